import type { RecordWriter, SyncOutput } from '../src/sync/output.js';

export type OutputEvent =
  | { kind: 'record'; data: Record<string, unknown> }
  | { kind: 'state'; state: Record<string, unknown>; recordCount: number }
  | { kind: 'log'; level: string; message: string }
  | { kind: 'estimate'; rows: number };

/** A SyncOutput that keeps everything, in order, for assertions. */
export class RecordingOutput implements SyncOutput {
  readonly events: OutputEvent[] = [];

  private pieces: Buffer[] = [];

  /** Each record's data object, parsed back from the bytes written for it. */
  readonly records: RecordWriter = {
    open: () => {
      this.pieces = [];
    },
    bytes: (source, start, end) => {
      this.pieces.push(Buffer.from(source.subarray(start, end)));
    },
    text: (text) => {
      this.pieces.push(Buffer.from(text, 'utf8'));
    },
    close: () => {
      const data = JSON.parse(Buffer.concat(this.pieces).toString('utf8')) as Record<string, unknown>;
      this.events.push({ kind: 'record', data });
    },
  };

  endRecordBatch(): void {}

  state(state: Record<string, unknown>, recordCount: number): void {
    this.events.push({ kind: 'state', state: structuredClone(state), recordCount });
  }

  log(level: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG', message: string): void {
    this.events.push({ kind: 'log', level, message });
  }

  estimate(rows: number): void {
    this.events.push({ kind: 'estimate', rows });
  }

  /** The records delivered, in order. */
  get delivered(): Record<string, unknown>[] {
    return this.events.flatMap((event) => (event.kind === 'record' ? [event.data] : []));
  }

  get states(): { state: Record<string, unknown>; recordCount: number }[] {
    return this.events.flatMap((event) =>
      event.kind === 'state' ? [{ state: event.state, recordCount: event.recordCount }] : [],
    );
  }

  logs(level: string): string[] {
    return this.events.flatMap((event) =>
      event.kind === 'log' && event.level === level ? [event.message] : [],
    );
  }

  /** Records emitted before the `index`-th state (0-based), that state included. */
  recordsUpToState(index: number): Record<string, unknown>[] {
    const records: Record<string, unknown>[] = [];
    let states = 0;
    for (const event of this.events) {
      if (event.kind === 'state' && states++ === index) return records;
      if (event.kind === 'record') records.push(event.data);
    }
    throw new Error(`there is no state #${index}`);
  }
}
