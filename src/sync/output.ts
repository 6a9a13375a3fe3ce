/** What the sync engine writes to. The protocol layer implements it with Airbyte messages; tests record it. */
export interface SyncOutput {
  /**
   * Records of the stream, in order, each the JSON text of its data (one object). A returned promise
   * means "wait" (stdout backpressure).
   */
  recordBatch(records: readonly string[]): void | Promise<void>;
  /** A checkpoint: `recordCount` records were emitted since the previous checkpoint of the stream. */
  state(streamState: Record<string, unknown>, recordCount: number): void | Promise<void>;
  log(level: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG', message: string): void;
  /** Estimated records of the whole sync, for progress bars (Airbyte TRACE ESTIMATE). */
  estimate(rowEstimate: number): void;
}
