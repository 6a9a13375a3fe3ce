import type { SyncOutput } from '../src/sync/output.js';

export type OutputEvent =
  | { kind: 'record'; data: Record<string, unknown> }
  | { kind: 'state'; state: Record<string, unknown>; recordCount: number }
  | { kind: 'log'; level: string; message: string }
  | { kind: 'estimate'; rows: number };

/** A SyncOutput that keeps everything, in order, for assertions. */
export class RecordingOutput implements SyncOutput {
  readonly events: OutputEvent[] = [];

  recordBatch(records: readonly string[]): void {
    for (const record of records)
      this.events.push({ kind: 'record', data: JSON.parse(record) as Record<string, unknown> });
  }

  state(state: Record<string, unknown>, recordCount: number): void {
    this.events.push({ kind: 'state', state: structuredClone(state), recordCount });
  }

  log(level: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG', message: string): void {
    this.events.push({ kind: 'log', level, message });
  }

  estimate(rows: number): void {
    this.events.push({ kind: 'estimate', rows });
  }

  get records(): Record<string, unknown>[] {
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
