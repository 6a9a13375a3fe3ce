import { isUtf8 } from 'node:buffer';
import { BodyTextDecoder, isSingleByteCharset } from './charset.js';
import type { BodyKind } from './errors.js';

/**
 * Decoding of a Reports Manager body: `{"code": 200, "error": null, "msg": "...", "data": [...] | {...}}`.
 * Bodies reach 256 MB, so none is held whole: EnvelopeSplitter below cuts the bytes, chunk by chunk,
 * into the elements of `data` (byte ranges, or texts when not UTF-8), which the consumer turns into
 * records. (stream-json did this first; its tokenizer took a fifth of a backfill's CPU, the splitter
 * scans bytes without decoding them: see README, Performance.)
 */

/** The body is not JSON, is truncated, or is not shaped like the envelope: another attempt may do better. */
export class MalformedBodyError extends Error {
  constructor(detail: string) {
    super(`truncated or non-JSON body (${detail})`);
    this.name = 'MalformedBodyError';
  }
}

/** The body is compressed (gzip magic bytes) although no Content-Encoding asked this client to expect it. */
export class CompressedBodyError extends Error {
  constructor() {
    super('the body is gzip-compressed (it starts with bytes 1f 8b) but is not declared as such');
    this.name = 'CompressedBodyError';
  }
}

export interface Envelope {
  code: unknown;
  error: unknown;
  msg: unknown;
  /** False when `data` is missing or is neither a list nor an object (e.g. null). */
  hasData: boolean;
  /** Bytes that were not valid UTF-8 and were decoded as Windows-1252 (see charset.ts). */
  fallbackBytes: number;
}

export interface DecodeOptions {
  /** Bodies up to this size are parsed whole; larger ones are split as they stream. */
  streamingThreshold?: number;
  /** The Content-Type charset, lower-cased, if the answer declared one. */
  charset?: string | undefined;
  /** Reads elements as the splitter meets them (one per body; see ElementReader). */
  reader?: ElementReader | undefined;
}

/**
 * Reads the elements it knows as the splitter meets them, so that their bytes are scanned once (the
 * decoder's reading is the splitter's scan): for each element, in body order, either read() returned
 * its end or unread() was called. What was read goes out with the batch the elements go out in
 * (Utf8ElementBatch.readings), for the consumer's decoder.
 */
export interface ElementReader {
  /**
   * Reads the element that starts at bytes[start] (its `{`) when it is of the form the reader knows
   * and ends before `limit`: returns the index after its `}`; else -1, having kept nothing of it
   * (the splitter then scans it). Throws nothing.
   */
  read(bytes: Buffer, start: number, limit: number): number;
  /** The next element was completed by the splitter's scan: nothing was read of it. */
  unread(): void;
  /** What was read of the elements completed since the previous call, for their batch. */
  take(): object;
}

/** The envelope's `code` as a number (200 when absent: `data` decides), or undefined when unreadable. */
export function envelopeStatus(code: unknown): number | undefined {
  if (code === undefined || code === null) return 200;
  if (typeof code === 'number' && Number.isInteger(code)) return code;
  if (typeof code === 'string' && /^\s*\d{1,3}\s*$/.test(code)) return Number(code);
  return undefined;
}

/** Success codes: any 2xx, and 0 (some Wolkvox endpoints and public clients use "0"). */
export function isSuccessStatus(status: number | undefined): boolean {
  return status === 0 || (status !== undefined && status >= 200 && status < 300);
}

export const STREAMING_THRESHOLD_BYTES = 1024 * 1024;

/** Non-2xx bodies are short messages; a cap keeps a misbehaving proxy from filling memory. */
const ERROR_BODY_CAP_BYTES = 64 * 1024;
const DETAIL_MAX_CHARS = 300;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function notAnObject(where: string): MalformedBodyError {
  return new MalformedBodyError(`${where} is not a JSON object`);
}

/** Elements of one batch, as bytes: every element's bytes are valid UTF-8 (checked for the batch). */
export interface Utf8ElementBatch {
  readonly kind: 'utf8';
  /** Holds every element of the batch (may be a view into the body's chunk, or a copy). */
  readonly bytes: Buffer;
  /** Element k is bytes[starts[k], ends[k]): one complete element's JSON text, from `{` to its `}`. */
  readonly starts: number[];
  readonly ends: number[];
  /** What the body's ElementReader read of these elements, when they went out as one chunk's batch. */
  readonly readings?: object | undefined;
}

/**
 * Elements of one batch as decoded text: used when the body's charset is a declared single-byte one,
 * or some byte of the batch is not valid UTF-8 (Windows-1252 fallback, as charset.ts's
 * BodyTextDecoder does, counted in Envelope.fallbackBytes).
 */
export interface TextElementBatch {
  readonly kind: 'text';
  readonly texts: string[];
}

export type ElementBatch = Utf8ElementBatch | TextElementBatch;

/** Count of elements of a batch. */
export function batchLength(batch: ElementBatch): number {
  return batch.kind === 'utf8' ? batch.starts.length : batch.texts.length;
}

/**
 * Element k's text (0 <= k < batchLength(batch)): exactly the text of that element in the body
 * decoded whole by BodyTextDecoder, which the string splitter handed out before bytes.
 */
export function elementText(batch: ElementBatch, k: number): string {
  return batch.kind === 'utf8'
    ? batch.bytes.toString('utf8', batch.starts[k], batch.ends[k])
    : (batch.texts[k] as string);
}

/**
 * The elements of the body's `data` as batches, in body order, at most one batch per chunk of the
 * body; returns the envelope's other fields. Each element is one complete JSON value that starts
 * with `{`, checked only for its brackets and strings: the consumer's decoder parses it. A batch is
 * bytes when its elements are valid UTF-8, else (or under a declared single-byte charset) decoded
 * texts. Nothing is read from `body` while the consumer does not pull (backpressure).
 *
 * A body up to the streaming threshold (bytes) is read whole before any element goes out, in one
 * batch, so a broken or failing small body hands out nothing. A larger body hands elements out as
 * they complete, under a success `code` or one not yet read: Wolkvox sends `code` before `data`, so
 * only a large body whose failing `code` follows `data` (never seen) hands out elements before it is
 * rejected (the client then tells its consumer of a restart). Memory stays bounded: between chunks the
 * splitter keeps only the element or member in progress, in a buffer at most twice its size and a
 * chunk's, filled until full (and the batches under the threshold).
 * Throws MalformedBodyError for a body that is not the envelope (also one with two `data` members),
 * CompressedBodyError for gzip bytes.
 */
export async function* bodyElements(
  body: AsyncIterable<Uint8Array>,
  options: DecodeOptions = {},
): AsyncGenerator<ElementBatch, Envelope, undefined> {
  const threshold = options.streamingThreshold ?? STREAMING_THRESHOLD_BYTES;
  const singleByte = isSingleByteCharset(options.charset);
  // Under a single-byte charset every batch is decoded text: nothing to read from the bytes.
  const splitter = new EnvelopeSplitter(options.charset, singleByte ? undefined : options.reader);
  /** Batches not handed out yet: all of them until the body reaches the threshold. */
  const held: ElementBatch[] = [];
  /** The body's first bytes while there are fewer than a byte-order mark's three. */
  let head: Buffer | undefined = EMPTY;
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    let bytes = asBuffer(chunk);
    if (head !== undefined) {
      if (head.length > 0) bytes = Buffer.concat([head, bytes]);
      if (bytes.length < UTF8_BOM.length) {
        head = bytes;
        continue;
      }
      head = undefined;
      bytes = bodyStart(bytes, singleByte);
    }
    const batch = splitter.feed(bytes);
    if (batch !== undefined) held.push(batch);
    if (size >= threshold && held.length > 0) {
      const ready = splitter.failed ? undefined : mergeBatches(held);
      held.length = 0;
      if (ready !== undefined) yield ready;
    }
  }
  if (head !== undefined) {
    const batch = splitter.feed(bodyStart(head, singleByte));
    if (batch !== undefined) held.push(batch);
  }
  splitter.end();
  if (held.length > 0 && !splitter.failed) yield mergeBatches(held);
  return { ...splitter.envelope, fallbackBytes: splitter.fallbackBytes };
}

const EMPTY = Buffer.alloc(0);
const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** The body's first bytes without a UTF-8 byte-order mark (not text; kept under a single-byte charset). */
function bodyStart(bytes: Buffer, singleByte: boolean): Buffer {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) throw new CompressedBodyError();
  const bom = !singleByte && bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2];
  return bom ? bytes.subarray(UTF8_BOM.length) : bytes;
}

/** One batch of the elements of several, in order (bytes copied into one buffer when all are bytes). */
function mergeBatches(batches: readonly ElementBatch[]): ElementBatch {
  if (batches.length === 1) return batches[0]!;
  if (batches.some((batch) => batch.kind === 'text')) {
    return {
      kind: 'text',
      texts: batches.flatMap((batch) =>
        Array.from({ length: batchLength(batch) }, (_, k) => elementText(batch, k)),
      ),
    };
  }
  const spans = (batches as readonly Utf8ElementBatch[]).map((batch) =>
    batch.bytes.subarray(batch.starts[0], batch.ends[batch.ends.length - 1]),
  );
  const starts: number[] = [];
  const ends: number[] = [];
  let offset = 0;
  for (const [index, batch] of (batches as readonly Utf8ElementBatch[]).entries()) {
    const shift = offset - batch.starts[0]!;
    for (let k = 0; k < batch.starts.length; k++) {
      starts.push(batch.starts[k]! + shift);
      ends.push(batch.ends[k]! + shift);
    }
    offset += spans[index]!.length;
  }
  return { kind: 'utf8', bytes: Buffer.concat(spans, offset), starts, ends };
}

/**
 * JSON.parse's complaint without the piece of body it quotes: a cut-off snippet could hold part of a
 * secret that redaction would no longer recognise.
 */
export function jsonParseProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (/end of JSON input/i.test(message)) return 'the JSON ends early';
  const position = /position (\d+)/.exec(message)?.[1];
  return position === undefined ? 'not valid JSON' : `not valid JSON at character ${position}`;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
/** Envelope members other than `data` are read only up to this size in bytes (code, error and msg are short). */
const MEMBER_CAP_BYTES = 64 * 1024;

type TopState = 'start' | 'firstKey' | 'key' | 'colon' | 'value' | 'inValue' | 'done';

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function malformed(detail = 'not valid JSON'): MalformedBodyError {
  return new MalformedBodyError(detail);
}

/**
 * Splits a streamed envelope's bytes without tokenizing or decoding them: a scan that only follows
 * strings and brackets finds where each element of `data` begins and ends (its bounds, `{` and `}`,
 * are ASCII, never part of a multibyte character, so an element decoded alone reads as in the whole
 * body). Only the envelope's keys and other members are decoded and parsed. Bytes are kept only from
 * the element, key or member value in progress on; everything before it is dropped after each chunk.
 */
class EnvelopeSplitter {
  readonly envelope: Omit<Envelope, 'fallbackBytes'> = {
    code: undefined,
    error: undefined,
    msg: undefined,
    hasData: false,
  };
  /** `code` was read, and it is not success: elements are dropped instead of handed out. */
  failed = false;
  readonly #singleByte: boolean;
  readonly #charset: string | undefined;
  /** Decodes keys, members and the elements of text batches; counts their fallback bytes. */
  readonly #text: BodyTextDecoder;
  /** The member value too large to keep: its bytes are decoded only to count their fallback bytes. */
  #skipped: BodyTextDecoder | undefined;
  #skippedFallbackBytes = 0;
  /**
   * Bytes of the previous chunks still needed: from the key, member or element in progress on. When
   * it is not empty, the next chunk is scanned as carry + chunk gathered in #store (see #gather).
   */
  #carry: Buffer = EMPTY;
  /** The carry is the last #stored bytes of #store, so the next chunk can follow it in place. */
  #carryInStore = false;
  /**
   * Where carry + chunk are gathered. Only its tail from #stored on is ever written: a batch handed
   * out views some of its first #stored bytes, and they stay as they were for as long as it is held.
   */
  #store: Buffer = EMPTY;
  #stored = 0;
  /** Where the scan goes on in carry + chunk: after the carry, or one byte further past an escaped byte. */
  #resume = 0;
  /** Bounds of the elements completed in the chunk being fed. */
  #starts: number[] = [];
  #ends: number[] = [];
  #depth = 0;
  #inString = false;
  #state: TopState = 'start';
  #keyStart = -1;
  #key: string | undefined;
  /** A `data` member was met: a second one makes the body malformed. */
  #dataMember = false;
  #valueStart = -1;
  #inDataList = false;
  #elementStart = -1;
  #needComma = false;
  #afterComma = false;
  /** The member value in progress was the data list, now closed: only `,` or `}` may follow. */
  #afterList = false;

  readonly #reader: ElementReader | undefined;

  constructor(charset: string | undefined, reader: ElementReader | undefined) {
    this.#reader = reader;
    this.#charset = charset;
    this.#singleByte = isSingleByteCharset(charset);
    this.#text = new BodyTextDecoder(charset);
  }

  /** Bytes that were not valid UTF-8 and were read as Windows-1252, so far. */
  get fallbackBytes(): number {
    return this.#text.fallbackBytes + this.#skippedFallbackBytes;
  }

  /** Scans the next bytes of the body; returns the elements they completed, if any. */
  feed(chunk: Buffer): ElementBatch | undefined {
    const bytes = this.#gather(chunk);
    const n = bytes.length;
    let depth = this.#depth;
    let inString = this.#inString;
    let i = this.#resume;
    this.#starts = [];
    this.#ends = [];
    for (; i < n; i++) {
      if (inString) {
        // Inside a string only `"` and `\` matter; `\` skips the next byte (maybe the next chunk's first).
        for (; i < n; i++) {
          const c = bytes[i]!;
          if (c === QUOTE) break;
          if (c === BACKSLASH) i++;
        }
        if (i >= n) break;
        inString = false;
        if (this.#keyStart >= 0) {
          this.#key = this.#parse(bytes, this.#keyStart, i + 1) as string;
          this.#keyStart = -1;
          if (this.#key === 'data') {
            // JSON keeps the last `data`, but the first one's elements may already be handed out.
            if (this.#dataMember) throw malformed('the body has more than one `data` member');
            this.#dataMember = true;
          }
          this.#state = 'colon';
        }
        continue;
      }
      const floor = this.#inDataList ? 2 : 1;
      if (depth > floor) {
        // Inside an element of `data` or another nested value: only strings and brackets matter.
        for (; i < n; i++) {
          const c = bytes[i]!;
          if (c === QUOTE) {
            for (i++; i < n; i++) {
              const s = bytes[i]!;
              if (s === QUOTE) break;
              if (s === BACKSLASH) i++;
            }
            if (i >= n) {
              inString = true;
              break;
            }
          } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
          else if ((c === CLOSE_OBJECT || c === CLOSE_ARRAY) && --depth === floor) break;
        }
        if (i >= n) break;
        if (this.#inDataList) {
          this.#starts.push(this.#elementStart);
          this.#ends.push(i + 1);
          this.#reader?.unread();
          this.#elementStart = -1;
          this.#needComma = true;
        }
        continue;
      }
      const c = bytes[i]!;
      if (depth === 2) {
        // Between the elements of `data`.
        if (c === OPEN_OBJECT) {
          if (this.#needComma) throw malformed();
          this.#afterComma = false;
          const end = this.#reader === undefined ? -1 : this.#reader.read(bytes, i, n);
          if (end >= 0) {
            // Read whole: its strings and brackets need no scan.
            this.#starts.push(i);
            this.#ends.push(end);
            this.#needComma = true;
            i = end - 1;
            continue;
          }
          this.#elementStart = i;
          depth++;
        } else if (c === COMMA) {
          if (!this.#needComma) throw malformed();
          this.#needComma = false;
          this.#afterComma = true;
        } else if (c === CLOSE_ARRAY) {
          if (this.#afterComma) throw malformed();
          depth--;
          this.#inDataList = false;
          this.#afterList = true;
        } else if (!isSpace(c)) throw notAnObject('an element of `data`');
        continue;
      }
      if (isSpace(c)) continue;
      if (depth === 0) {
        if (this.#state !== 'start') throw malformed();
        if (c !== OPEN_OBJECT) throw notAnObject('the body');
        depth = 1;
        this.#state = 'firstKey';
        continue;
      }
      // depth 1: the envelope's own members.
      switch (this.#state) {
        case 'firstKey':
        case 'key':
          if (c === QUOTE) {
            inString = true;
            this.#keyStart = i;
          } else if (c === CLOSE_OBJECT && this.#state === 'firstKey') {
            depth = 0;
            this.#state = 'done';
          } else throw malformed();
          break;
        case 'colon':
          if (c !== COLON) throw malformed();
          this.#state = 'value';
          break;
        case 'value':
          if (c === COMMA || c === CLOSE_OBJECT || c === COLON || c === CLOSE_ARRAY) throw malformed();
          this.#state = 'inValue';
          if (this.#key === 'data' && c === OPEN_ARRAY) {
            this.envelope.hasData = true;
            this.#inDataList = true;
            this.#needComma = false;
            this.#afterComma = false;
            depth++;
            break;
          }
          this.#valueStart = i;
          if (c === QUOTE) inString = true;
          else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
          break;
        case 'inValue':
          if (c === COMMA || c === CLOSE_OBJECT) {
            this.#endMember(bytes, i);
            if (c === COMMA) this.#state = 'key';
            else {
              depth = 0;
              this.#state = 'done';
            }
          } else if (this.#afterList) throw malformed();
          else if (c === QUOTE) inString = true;
          else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
          break;
        default:
          throw malformed();
      }
    }
    this.#depth = depth;
    this.#inString = inString;
    const batch = this.#starts.length > 0 ? this.#batch(bytes, this.#starts, this.#ends) : undefined;
    this.#keep(bytes, i);
    return batch;
  }

  /** The body is over: anything still open means it was cut. */
  end(): void {
    if (this.#state !== 'done' || this.#inString) throw malformed('the JSON ends early');
  }

  /** The elements as bytes when they are valid UTF-8 (one check over their span), else decoded. */
  #batch(bytes: Buffer, starts: number[], ends: number[]): ElementBatch {
    const readings = this.#reader?.take();
    if (!this.#singleByte && isUtf8(bytes.subarray(starts[0], ends[ends.length - 1]))) {
      return { kind: 'utf8', bytes, starts, ends, readings };
    }
    if (this.#singleByte) {
      // One byte is one character (of the Basic Multilingual Plane): the elements' offsets hold in the text.
      const base = starts[0]!;
      const text = this.#text.decodeSpan(bytes.subarray(base, ends[ends.length - 1]));
      return { kind: 'text', texts: starts.map((start, k) => text.slice(start - base, ends[k]! - base)) };
    }
    const texts = starts.map((start, k) => this.#text.decodeSpan(bytes.subarray(start, ends[k])));
    return { kind: 'text', texts };
  }

  /** JSON.parse of the decoded text of bytes[start, end); a MalformedBodyError when it is not JSON. */
  #parse(bytes: Buffer, start: number, end: number): unknown {
    try {
      return JSON.parse(this.#text.decodeSpan(bytes.subarray(start, end)));
    } catch (error) {
      throw malformed(jsonParseProblem(error));
    }
  }

  #endMember(bytes: Buffer, end: number): void {
    const start = this.#valueStart;
    const skipped = this.#skipped;
    this.#valueStart = -1;
    this.#skipped = undefined;
    this.#afterList = false;
    if (skipped !== undefined) {
      skipped.decode(bytes.subarray(start, end));
      skipped.end();
      this.#skippedFallbackBytes += skipped.fallbackBytes;
      return;
    }
    if (start < 0) return; // the data list
    const counted = this.#text.fallbackBytes;
    const value = this.#parse(bytes, start, end);
    if (this.#key === 'code') {
      this.envelope.code = value;
      this.failed = !isSuccessStatus(envelopeStatus(value));
    } else if (this.#key === 'error') this.envelope.error = value;
    else if (this.#key === 'msg') this.envelope.msg = value;
    else if (this.#key === 'data' && isObject(value)) {
      this.envelope.hasData = true;
      let last = end;
      while (isSpace(bytes[last - 1]!)) last--;
      this.#starts.push(start);
      this.#ends.push(last);
      this.#reader?.unread();
      this.#text.fallbackBytes = counted; // the element's bytes count when its batch is decoded
    }
  }

  /**
   * The carry followed by the chunk, as one buffer: the chunk itself when there is no carry, else a
   * view of #store, where the chunk is copied after a carry that is already there, or both after its
   * written bytes; when they do not fit, a new store twice their size takes them. An element spread
   * over many chunks is so copied at most three times in all, not once per chunk. Measured (one
   * element of 10, 20 and 40 MB in 64 KiB chunks, wall time on 2 shared cores): 0.5–0.8, 1.5–3.5
   * and 35–51 s with a new buffer of carry + chunk for every chunk (until issue 16), 0.07–0.2,
   * 0.15–0.3 and 0.5–0.7 s now; a 137 MB body of 193-byte elements in 64 KiB chunks is split as fast
   * as before (CPU time now / before: 0.91 to 0.97, medians of three sets of 15 to 21 alternating
   * runs). Peak RSS of one 256 MiB answer of 59,000 records through the CLI: 133–135 MB, as before.
   */
  #gather(chunk: Buffer): Buffer {
    const carry = this.#carry;
    if (carry.length === 0) return chunk;
    const size = carry.length + chunk.length;
    if (this.#store.length - this.#stored < (this.#carryInStore ? chunk.length : size)) {
      const store = Buffer.allocUnsafe(2 * size); // every byte read is written first: views end at #stored
      carry.copy(store, 0);
      this.#store = store;
      this.#stored = carry.length;
    } else if (!this.#carryInStore) {
      carry.copy(this.#store, this.#stored);
      this.#stored += carry.length;
    }
    chunk.copy(this.#store, this.#stored);
    this.#stored += chunk.length;
    return this.#store.subarray(this.#stored - size, this.#stored);
  }

  /** Keeps the bytes still needed: from the key, value or element in progress on. */
  #keep(bytes: Buffer, scanned: number): void {
    const n = bytes.length;
    let from = n;
    if (this.#keyStart >= 0) from = this.#keyStart;
    if (this.#valueStart >= 0) {
      if (this.#skipped === undefined && n - this.#valueStart > MEMBER_CAP_BYTES && this.#key !== 'data') {
        this.#skipped = new BodyTextDecoder(this.#charset);
      }
      if (this.#skipped === undefined) from = Math.min(from, this.#valueStart);
      else this.#skipped.decode(bytes.subarray(this.#valueStart, n));
    }
    if (this.#elementStart >= 0) from = Math.min(from, this.#elementStart);
    this.#carryInStore = this.#carry.length > 0; // then bytes is the view of #store that #gather made
    this.#carry = from < n ? bytes.subarray(from) : EMPTY;
    this.#resume = scanned - from;
    const shift = (index: number) => (index >= 0 ? index - from : index);
    this.#keyStart = shift(this.#keyStart);
    this.#valueStart = this.#skipped === undefined ? shift(this.#valueStart) : 0;
    this.#elementStart = shift(this.#elementStart);
  }
}

export interface ErrorBody {
  /** The envelope's `error: msg`, or the start of the raw text, on one line. */
  detail: string;
  body: BodyKind;
}

/**
 * The readable part of a non-2xx body, and what kind of body it was: Wolkvox's envelope is a JSON
 * object with `code` and `msg` or `error`.
 */
export async function readErrorDetail(body: AsyncIterable<Uint8Array>, charset?: string): Promise<ErrorBody> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= ERROR_BODY_CAP_BYTES) break;
  }
  const bytes = Buffer.concat(chunks, size).subarray(0, ERROR_BODY_CAP_BYTES);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return { detail: '(a gzip-compressed body)', body: 'text' };
  const decoder = new BodyTextDecoder(charset);
  const text = decoder.decode(bytes) + decoder.end();
  if (text.trim() === '') return { detail: '', body: 'empty' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { detail: tidy(text), body: /^\s*</.test(text) ? 'html' : 'text' };
  }
  if (!isObject(parsed)) return { detail: tidy(text), body: 'json' };
  const envelope = 'code' in parsed && ('msg' in parsed || 'error' in parsed);
  return envelope
    ? { detail: envelopeDetail(parsed), body: 'envelope' }
    : { detail: tidy(text), body: 'json' };
}

/** `error: msg` of an envelope, each part only when it is non-empty text. */
export function envelopeDetail(envelope: { error?: unknown; msg?: unknown }): string {
  const parts = [envelope.error, envelope.msg].filter(
    (part): part is string | number =>
      (typeof part === 'string' && part.trim() !== '') || typeof part === 'number',
  );
  return tidy(parts.join(': '));
}

function tidy(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > DETAIL_MAX_CHARS ? `${oneLine.slice(0, DETAIL_MAX_CHARS)}...` : oneLine;
}
