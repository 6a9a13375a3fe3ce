import type { RecordWriter, SyncOutput } from '../src/sync/output.js';

export type OutputEvent =
  | { kind: 'record'; data: Record<string, unknown> }
  | { kind: 'state'; state: Record<string, unknown>; recordCount: number }
  | { kind: 'log'; level: string; message: string }
  | { kind: 'estimate'; rows: number };

/**
 * A RecordWriter that hands each record's data JSON (the bytes between open() and close(), as
 * text) to `closed`; reserve() gives a fresh buffer of the length asked for, commit() keeps what
 * was put in it.
 */
export function piecesWriter(closed: (json: string) => void): RecordWriter {
  let pieces: Buffer[] = [];
  let scratch = Buffer.alloc(0);
  return {
    open: () => {
      pieces = [];
    },
    bytes: (source, start, end) => {
      pieces.push(Buffer.from(source.subarray(start, end)));
    },
    text: (text) => {
      pieces.push(Buffer.from(text, 'utf8'));
    },
    reserve: (length) => {
      scratch = Buffer.alloc(length);
      return 0;
    },
    target: () => scratch,
    commit: (end) => {
      if (end > scratch.length) throw new RangeError(`committed ${end} bytes of ${scratch.length} reserved`);
      pieces.push(scratch.subarray(0, end));
    },
    close: () => closed(Buffer.concat(pieces).toString('utf8')),
  };
}

/** A SyncOutput that keeps everything, in order, for assertions. */
export class RecordingOutput implements SyncOutput {
  readonly events: OutputEvent[] = [];

  /** Each record's data object, parsed back from the bytes written for it. */
  readonly records: RecordWriter = piecesWriter((json) => {
    this.events.push({ kind: 'record', data: JSON.parse(json) as Record<string, unknown> });
  });

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
