import type { Writable } from 'node:stream';
import type { AirbyteMessage } from './messages.js';
import type { Redactor } from './redact.js';
import type { RecordWriter } from '../sync/output.js';

const FLUSH_BYTES = 64 * 1024;

/**
 * Writes one AirbyteMessage per line to stdout, and nothing else ever goes there. Lines are batched
 * into 64 KiB writes (one write per record costs more than the record), every line passes through
 * the secret redactor, and `emit` returns a promise whenever the stream asks to wait, so a slow
 * reader of stdout slows the sync instead of filling memory.
 */
export class MessageEmitter {
  /** Text to write, each piece one or more whole lines with their line ends. */
  private pending: string[] = [];
  private pendingBytes = 0;
  private redact: Redactor;
  private draining: Promise<void> | undefined;

  constructor(
    private readonly out: Writable,
    redact: Redactor = (text) => text,
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
   * rate limit when it happens, not at the next write.
   */
  emit(message: AirbyteMessage): void | Promise<void> {
    const line = `${this.redact(JSON.stringify(message))}\n`;
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (message.type !== 'RECORD' || this.pendingBytes >= FLUSH_BYTES) return this.flush();
  }

  /**
   * Queues a RECORD line per record of `stream`, each `records` item the JSON text of one record's
   * data: the lines JSON.stringify would write for RECORD messages with an `emitted_at` (epoch ms)
   * shared by the batch, built as text around the data and masked as one piece (a secret never
   * spans lines: it would have to contain a line break and the JSON around it). Written like
   * `emit`'s RECORD lines.
   */
  emitRecords(stream: string, records: readonly string[]): void | Promise<void> {
    if (records.length === 0) return;
    const prefix = `{"type":"RECORD","record":{"stream":${JSON.stringify(stream)},"data":`;
    const suffix = `,"emitted_at":${Date.now()}}}\n`;
    // One join writes every line's text once, without a string per line.
    const text = this.redact(prefix + records.join(suffix + prefix) + suffix);
    this.pending.push(text);
    this.pendingBytes += text.length;
    if (this.pendingBytes >= FLUSH_BYTES) return this.flush();
  }

  /** TEMPORARY (replaced by the byte writer): the writer of `stream`'s RECORD lines. */
  recordWriter(stream: string): RecordWriter {
    let pieces: Buffer[] = [];
    let emittedAt: number | undefined;
    return {
      open: () => {
        emittedAt ??= Date.now();
        pieces = [Buffer.from(`{"type":"RECORD","record":{"stream":${JSON.stringify(stream)},"data":`)];
      },
      bytes: (source, start, end) => pieces.push(Buffer.from(source.subarray(start, end))),
      text: (text) => pieces.push(Buffer.from(text, 'utf8')),
      close: () => {
        const line = `${this.redact(`${Buffer.concat(pieces).toString('utf8')},"emitted_at":${emittedAt}}}`)}\n`;
        this.pending.push(line);
        this.pendingBytes += line.length;
        this.batchEnds.push(() => (emittedAt = undefined));
      },
    };
  }

  private batchEnds: (() => void)[] = [];

  /** TEMPORARY: after a batch of records. */
  endRecordBatch(): void | Promise<void> {
    for (const end of this.batchEnds) end();
    this.batchEnds = [];
    if (this.pendingBytes >= FLUSH_BYTES) return this.flush();
  }

  /** Writes what is batched; resolves once the stream can take more. */
  flush(): void | Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    if (this.out.write(chunk)) return;
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

  /** Flushes and waits until everything written has been handed to the OS. */
  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve) => {
      if (this.out.writableNeedDrain) this.out.once('drain', () => resolve());
      else resolve();
    });
  }
}
