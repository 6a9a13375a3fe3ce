/** What the sync engine writes to. The protocol layer implements it with Airbyte messages; tests record it. */
export interface SyncOutput {
  /** One record of the stream. A returned promise means "wait" (stdout backpressure). */
  record(data: Record<string, unknown>): void | Promise<void>;
  /** A checkpoint: `recordCount` records were emitted since the previous checkpoint of the stream. */
  state(streamState: Record<string, unknown>, recordCount: number): void | Promise<void>;
  log(level: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG', message: string): void;
  /** Estimated records of the whole sync, for progress bars (Airbyte TRACE ESTIMATE). */
  estimate(rowEstimate: number): void;
}
