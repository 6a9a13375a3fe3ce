/** Writes one stream's records: each record is one RECORD line whose `data` is the JSON object written between open() and close(). */
export interface RecordWriter {
  /** Starts a record: writes `{"type":"RECORD","record":{"stream":<stream as JSON>,"data":` */
  open(): void;
  /** Appends bytes[start, end) (UTF-8, already valid JSON text pieces). */
  bytes(source: Uint8Array, start: number, end: number): void;
  /** Appends a JS string as UTF-8. */
  text(text: string): void;
  /** Ends the record: writes `,"emitted_at":<ms>}}\n`; every record until the next endRecordBatch() shares one emitted_at (taken at the batch's first open()). */
  close(): void;
}

/** What the sync engine writes to. The protocol layer implements it with Airbyte messages; tests record it. */
export interface SyncOutput {
  /** The writer of the stream's records, in order (open, the data object's JSON, close per record). */
  readonly records: RecordWriter;
  /**
   * After the records of a batch (one chunk of a body) are written: they go out once enough are
   * queued. A returned promise means "wait" (stdout backpressure).
   */
  endRecordBatch(): void | Promise<void>;
  /** A checkpoint: `recordCount` records were emitted since the previous checkpoint of the stream. */
  state(streamState: Record<string, unknown>, recordCount: number): void | Promise<void>;
  log(level: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG', message: string): void;
  /** Estimated records of the whole sync, for progress bars (Airbyte TRACE ESTIMATE). */
  estimate(rowEstimate: number): void;
}

/**
 * Writes one stream's records: each record is one RECORD line whose `data` is the JSON object
 * written between open() and close(). Calls of one record are open(), any bytes() and text(), close();
 * nothing else is written to the output between them.
 */
export interface RecordWriter {
  /** Starts a record: writes `{"type":"RECORD","record":{"stream":<stream as JSON>,"data":` */
  open(): void;
  /** Appends bytes[start, end) (UTF-8, already valid JSON text pieces). */
  bytes(source: Uint8Array, start: number, end: number): void;
  /** Appends a JS string as UTF-8. */
  text(text: string): void;
  /**
   * Ends the record: writes `,"emitted_at":<ms>}}\n`; every record until the next endBatch() (the
   * emitter's endRecordBatch()) shares one emitted_at (taken at the batch's first open()).
   */
  close(): void;
}
