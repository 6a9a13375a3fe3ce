import type { Writable } from 'node:stream';
import { copyBytes, type RecordWriter } from '../sync/output.js';
import type { AirbyteMessage } from './messages.js';
import { createRedactor, type Redactor } from './redact.js';

/** Bytes queued after which the end of a record batch writes them out. */
const FLUSH_BYTES = 64 * 1024;
/** Size of a fresh line buffer: FLUSH_BYTES and the batch that crosses it fit in most of the time. */
const BUFFER_BYTES = 2 * FLUSH_BYTES;
const NO_BYTES = Buffer.alloc(0);

/**
 * Writes one AirbyteMessage per line to stdout, and nothing else ever goes there. Lines are written
 * as UTF-8 into a buffer and go out in writes of 64 KiB or more (one write per record costs more than
 * the record); every write passes through the secret redactor's byte form; a promise is returned
 * whenever the stream asks to wait, so a slow reader of stdout slows the sync instead of filling
 * memory. The order of lines on stdout is the order of the calls.
 */
export class MessageEmitter {
  /** Lines not yet written; never written to again once part of it went to `out`. */
  private buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  /** Bytes of `buffer` in use. */
  private used = 0;
  /** Where the line being written starts in `buffer` (`used` between lines): what lies before is whole lines. */
  private lineStart = 0;
  /** The current record batch's `,"emitted_at":<ms>}}\n`, empty until the batch's first record. */
  private recordSuffix = NO_BYTES;
  private readonly writers = new Map<string, RecordWriter>();
  private redact: Redactor;
  private draining: Promise<void> | undefined;

  constructor(
    private readonly out: Writable,
    redact: Redactor = createRedactor([]),
  ) {
    this.redact = redact;
  }

  /** Secrets become known only once the config is read; from then on every line is masked. */
  setRedactor(redact: Redactor): void {
    this.redact = redact;
  }

  /**
   * Queues one line. RECORD lines go out in 64 KiB writes; any other message (a log, a status, a
   * state, a trace) goes out at once with what is queued before it, so an operator sees a retry or a
   * rate limit when it happens, not at the next write. May come between two records of a batch,
   * never inside one.
   */
  emit(message: AirbyteMessage): void | Promise<void> {
    this.appendText(`${JSON.stringify(message)}\n`);
    this.lineStart = this.used;
    return message.type === 'RECORD' ? this.writeIfFull() : this.flush();
  }

  /**
   * The writer of `stream`'s RECORD lines (one per stream, reused): its lines are byte for byte what
   * JSON.stringify writes for `{type: 'RECORD', record: {stream, data, emitted_at}}`, given the data's
   * JSON text. The line's start is prepared once as bytes.
   */
  recordWriter(stream: string): RecordWriter {
    let writer = this.writers.get(stream);
    if (writer === undefined) {
      const prefix = Buffer.from(`{"type":"RECORD","record":{"stream":${JSON.stringify(stream)},"data":`);
      writer = {
        open: () => this.openRecord(prefix),
        bytes: (source, start, end) => this.append(source, start, end),
        text: (text) => this.appendText(text),
        reserve: (length) => this.reserve(length),
        target: () => this.buffer,
        commit: (end) => {
          this.used = end;
        },
        close: () => this.closeRecord(),
      };
      this.writers.set(stream, writer);
    }
    return writer;
  }

  /**
   * After a batch of records: the next record takes a new `emitted_at`; what is queued is written
   * out once it reaches 64 KiB. A returned promise means wait (stdout asks for it, also after a write
   * the batch made on its own because a record did not fit); it resolves once the stream drained.
   */
  endRecordBatch(): void | Promise<void> {
    this.recordSuffix = NO_BYTES;
    return this.writeIfFull();
  }

  /** Writes what is queued; resolves once the stream can take more. */
  flush(): void | Promise<void> {
    if (this.used === 0) return;
    const lines = this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(BUFFER_BYTES);
    this.used = 0;
    this.lineStart = 0;
    if (this.write(lines)) return;
    return this.drained();
  }

  /** Flushes and waits until everything written has been handed to the OS. */
  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve) => {
      if (this.out.writableNeedDrain) this.out.once('drain', () => resolve());
      else resolve();
    });
  }

  /** Writes out what is queued once it reaches FLUSH_BYTES; a promise while the stream asks to wait. */
  private writeIfFull(): void | Promise<void> {
    if (this.used >= FLUSH_BYTES) return this.flush();
    if (this.out.writableNeedDrain) return this.drained();
  }

  private openRecord(prefix: Buffer): void {
    if (this.recordSuffix.length === 0) this.recordSuffix = Buffer.from(`,"emitted_at":${Date.now()}}}\n`);
    this.lineStart = this.used;
    this.append(prefix, 0, prefix.length);
  }

  private closeRecord(): void {
    this.append(this.recordSuffix, 0, this.recordSuffix.length);
    this.lineStart = this.used;
  }

  /** Appends source[start, end). */
  private append(source: Uint8Array, start: number, end: number): void {
    const at = this.reserve(end - start);
    this.used = copyBytes(this.buffer, at, source, start, end);
  }

  /** Room for `length` more bytes of the line being written: where they go in `buffer`. */
  private reserve(length: number): number {
    if (this.used + length > this.buffer.length) this.makeRoom(length);
    return this.used;
  }

  /** Appends `text` as UTF-8 (a lone surrogate becomes U+FFFD, as stdout would write it). */
  private appendText(text: string): void {
    // A UTF-16 unit takes at most 3 bytes: count exactly only when the bound does not fit.
    if (this.used + 3 * text.length > this.buffer.length) {
      const length = Buffer.byteLength(text);
      if (this.used + length > this.buffer.length) this.makeRoom(length);
    }
    this.used += this.buffer.write(text, this.used);
  }

  /**
   * Makes room for `length` more bytes of the line being written: the whole lines before it are
   * written out, and the line so far moves to a fresh buffer (twice its need when that exceeds
   * BUFFER_BYTES: a record larger than the buffer grows it). Stdout's wait is honoured at the end of
   * the batch.
   */
  private makeRoom(length: number): void {
    const partial = this.used - this.lineStart;
    const next = Buffer.allocUnsafe(Math.max(BUFFER_BYTES, 2 * (partial + length)));
    this.buffer.copy(next, 0, this.lineStart, this.used);
    if (this.lineStart > 0) this.write(this.buffer.subarray(0, this.lineStart));
    this.buffer = next;
    this.used = partial;
    this.lineStart = 0;
  }

  /** Masks whole lines and hands them to the stream; false when it asks to wait. */
  private write(lines: Buffer): boolean {
    return this.out.write(this.redact.bytes(lines));
  }

  /** Resolves once the stream drained. */
  private drained(): Promise<void> {
    // One wait per full buffer, shared by every caller that writes before it drains: callers that
    // ignore the promise (logs, statuses) must not pile up listeners on the stream.
    this.draining ??= new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        this.out.off('drain', settle);
        this.out.off('error', settle);
        this.draining = undefined;
        if (error) reject(error);
        else resolve();
      };
      this.out.once('drain', settle);
      this.out.once('error', settle);
    });
    // Callers that ignore the wait must not turn a stream error into an unhandled rejection;
    // the error still reaches whoever awaits, and the run's EPIPE handler.
    this.draining.catch(() => undefined);
    return this.draining;
  }
}
