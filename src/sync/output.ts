/**
 * Writes one stream's records: each record is one RECORD line whose `data` is the JSON object
 * written between open() and close(). Calls of one record are open(), any bytes(), text() and
 * reserve()/commit() pairs, close(); nothing else is written to the output between them.
 */
export interface RecordWriter {
  /** Starts a record: writes `{"type":"RECORD","record":{"stream":<stream as JSON>,"data":` */
  open(): void;
  /** Appends bytes[start, end) (UTF-8, already valid JSON text pieces). */
  bytes(source: Uint8Array, start: number, end: number): void;
  /** Appends a JS string as UTF-8. */
  text(text: string): void;
  /**
   * Makes room for up to `length` more bytes and returns the position in `target` to put them at:
   * a record's bytes written in place, with no call per piece. commit() says where they end.
   */
  reserve(length: number): number;
  /** The buffer reserve() made room in; valid until the next call of any other method. */
  target(): Uint8Array;
  /** The bytes put since reserve() end at `end` in `target` (at most the reserved length further). */
  commit(end: number): void;
  /**
   * Ends the record: writes `,"emitted_at":<ms>}}\n`; every record until the next endRecordBatch()
   * (the emitter's) shares one emitted_at (taken at the batch's first open()).
   */
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
 * Ranges shorter than this are copied by a JS loop, longer ones by TypedArray#set of a plain view.
 * Buffer#copy of part of a buffer costs more (Node 20's _copyActual checks and builds a view per
 * call). A full read (622,796 transfers, each one ~150-byte range of members), CPU s: Buffer#copy
 * from 40 bytes 5.1, a loop up to 1 KiB 4.8-5.1, a view from 40 or 64 bytes 4.5-4.6
 * (bench/profile-read.js and alternating runs).
 */
const LOOP_COPY_BYTES = 64;

/** Copies source[start, end) to target at `at` (the caller made room); returns where the copy ends in target. */
export function copyBytes(
  target: Uint8Array,
  at: number,
  source: Uint8Array,
  start: number,
  end: number,
): number {
  const length = end - start;
  if (length < LOOP_COPY_BYTES) {
    for (let i = start; i < end; i++) target[at++] = source[i]!;
    return at;
  }
  target.set(new Uint8Array(source.buffer, source.byteOffset + start, length), at);
  return at + length;
}
