import { BodyTextDecoder } from './charset.js';
import type { BodyKind } from './errors.js';

/**
 * Decoding of a Reports Manager body: `{"code": 200, "error": null, "msg": "...", "data": [...] | {...}}`.
 * Bodies reach 256 MB, so none is held whole: EnvelopeSplitter below cuts the text, chunk by chunk,
 * into the texts of the elements of `data`, which the consumer's decoder turns into records.
 * (stream-json did this first; its tokenizer took a fifth of a backfill's CPU, the splitter runs at
 * native string-search speed: see README, Performance.)
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

/** Elements of one batch, as bytes: every element's bytes are valid UTF-8 (checked for the batch). */
export interface Utf8ElementBatch {
  readonly kind: 'utf8';
  readonly bytes: Buffer;
  readonly starts: number[];
  readonly ends: number[];
}
export interface TextElementBatch {
  readonly kind: 'text';
  readonly texts: string[];
}
export type ElementBatch = Utf8ElementBatch | TextElementBatch;
function asBatch(texts: string[], fallback: boolean): ElementBatch {
  if (fallback) return { kind: 'text', texts };
  const starts: number[] = [];
  const ends: number[] = [];
  let at = 0;
  for (const t of texts) {
    starts.push(at);
    at += Buffer.byteLength(t, 'utf8');
    ends.push(at);
  }
  return { kind: 'utf8', bytes: Buffer.from(texts.join(''), 'utf8'), starts, ends };
}
export function batchLength(batch: ElementBatch): number {
  return batch.kind === 'text' ? batch.texts.length : batch.starts.length;
}
export function elementText(batch: ElementBatch, k: number): string {
  return batch.kind === 'text'
    ? batch.texts[k]!
    : batch.bytes.toString('utf8', batch.starts[k], batch.ends[k]);
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

/**
 * The elements of the body's `data` as batches of their JSON texts, in body order, at most one batch
 * per chunk of the body; returns the envelope's other fields. Each text is one complete element
 * that starts with `{`, checked only for its brackets and strings: the consumer's decoder parses it.
 * Nothing is read from `body` while the consumer does not pull (backpressure).
 *
 * A body up to the streaming threshold is read whole before any element goes out, so a broken or
 * failing small body hands out nothing. A larger body hands elements out as they complete, under a
 * success `code` or one not yet read: Wolkvox sends `code` before `data`, so only a large body whose
 * failing `code` follows `data` (never seen) hands out elements before it is rejected (the client
 * then tells its consumer of a restart). Memory stays bounded: the splitter keeps only the element
 * in progress between chunks.
 * Throws MalformedBodyError for a body that is not the envelope, CompressedBodyError for gzip bytes.
 */
export async function* bodyElements(
  body: AsyncIterable<Uint8Array>,
  options: DecodeOptions = {},
): AsyncGenerator<ElementBatch, Envelope, undefined> {
  const threshold = options.streamingThreshold ?? STREAMING_THRESHOLD_BYTES;
  const text = new BodyTextDecoder(options.charset);
  const splitter = new EnvelopeSplitter();
  let size = 0;
  for await (const chunk of body) {
    if (size === 0) refuseCompressed(chunk);
    size += chunk.length;
    splitter.feed(text.decode(chunk));
    if (size >= threshold) {
      const ready = splitter.take();
      if (ready.length > 0)
        yield asBatch(
          ready,
          text.fallbackBytes > 0 || (options.charset !== undefined && options.charset !== 'utf-8'),
        );
    }
  }
  const tail = text.end();
  if (tail) splitter.feed(tail);
  splitter.end();
  const ready = splitter.take();
  if (ready.length > 0)
    yield asBatch(
      ready,
      text.fallbackBytes > 0 || (options.charset !== undefined && options.charset !== 'utf-8'),
    );
  return { ...splitter.envelope, fallbackBytes: text.fallbackBytes };
}

function refuseCompressed(first: Uint8Array): void {
  if (first[0] === 0x1f && first[1] === 0x8b) throw new CompressedBodyError();
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
/** Envelope members other than `data` are read only up to this size (code, error and msg are short). */
const MEMBER_CAP_CHARS = 64 * 1024;

type TopState = 'start' | 'firstKey' | 'key' | 'colon' | 'value' | 'inValue' | 'done';

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function malformed(detail = 'not valid JSON'): MalformedBodyError {
  return new MalformedBodyError(detail);
}

/**
 * Splits a streamed envelope without tokenizing it: a scan that only follows strings and brackets
 * finds where each element of `data` begins and ends and hands out its text (the consumer parses it,
 * often without JSON.parse, see src/streams/record-codec.ts). Text is kept only from the element, key
 * or member value in progress on; everything before it is dropped after each chunk.
 */
class EnvelopeSplitter {
  readonly envelope: Omit<Envelope, 'fallbackBytes'> = {
    code: undefined,
    error: undefined,
    msg: undefined,
    hasData: false,
  };
  /** `code` was read, and it is not success: elements are dropped instead of handed out. */
  #failed = false;
  /** Texts of the complete elements not yet taken. */
  #ready: string[] = [];
  #text = '';
  #depth = 0;
  #inString = false;
  #state: TopState = 'start';
  #keyStart = -1;
  #key: string | undefined;
  #valueStart = -1;
  #inDataList = false;
  #elementStart = -1;
  #needComma = false;
  #afterComma = false;
  /** The member value in progress was the data list, now closed: only `,` or `}` may follow. */
  #afterList = false;
  /** The member value in progress is too large to keep (never `data`): it is skipped. */
  #skipping = false;

  feed(chunk: string): void {
    const text = this.#text + chunk;
    const n = text.length;
    let depth = this.#depth;
    let i = this.#text.length;
    for (; i < n; i++) {
      if (this.#inString) {
        let q = text.indexOf('"', i);
        while (q !== -1) {
          let b = q - 1;
          while (b >= 0 && text.charCodeAt(b) === BACKSLASH) b--;
          if ((q - 1 - b) % 2 === 0) break;
          q = text.indexOf('"', q + 1);
        }
        if (q === -1) {
          i = n;
          break;
        }
        i = q;
        this.#inString = false;
        if (this.#keyStart >= 0) {
          this.#key = JSON.parse(text.slice(this.#keyStart, q + 1)) as string;
          this.#keyStart = -1;
          this.#state = 'colon';
        }
        continue;
      }
      const c = text.charCodeAt(i);
      if (depth >= 2) {
        if (depth === 2 && this.#inDataList) {
          // Between the elements of `data`.
          if (c === OPEN_OBJECT) {
            if (this.#needComma) throw malformed();
            this.#elementStart = i;
            this.#afterComma = false;
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
        // Inside an element of `data` or another nested value: only strings and brackets matter.
        if (c === QUOTE) this.#inString = true;
        else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
        else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
          depth--;
          if (depth === 2 && this.#inDataList) {
            this.#ready.push(text.slice(this.#elementStart, i + 1));
            this.#elementStart = -1;
            this.#needComma = true;
          }
        }
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
            this.#inString = true;
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
          if (c === QUOTE) this.#inString = true;
          else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
          break;
        case 'inValue':
          if (c === COMMA || c === CLOSE_OBJECT) {
            this.#endMember(text, i);
            if (c === COMMA) this.#state = 'key';
            else {
              depth = 0;
              this.#state = 'done';
            }
          } else if (this.#afterList) throw malformed();
          else if (c === QUOTE) this.#inString = true;
          else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
          break;
        default:
          throw malformed();
      }
    }
    this.#depth = depth;
    this.#keep(text);
  }

  /** The text is over: anything still open means the body was cut. */
  end(): void {
    if (this.#state !== 'done' || this.#inString) throw malformed('the JSON ends early');
  }

  /** The texts of the elements completed since the last call; none under a failing `code`. */
  take(): string[] {
    const ready = this.#ready;
    this.#ready = [];
    return this.#failed ? [] : ready;
  }

  #endMember(text: string, end: number): void {
    const start = this.#valueStart;
    const skipped = this.#skipping;
    this.#valueStart = -1;
    this.#skipping = false;
    this.#afterList = false;
    if (start < 0 || skipped) return; // the data list, or a member too large to keep
    let value: unknown;
    try {
      value = JSON.parse(text.slice(start, end));
    } catch (error) {
      throw malformed(jsonParseProblem(error));
    }
    if (this.#key === 'code') {
      this.envelope.code = value;
      this.#failed = !isSuccessStatus(envelopeStatus(value));
    } else if (this.#key === 'error') this.envelope.error = value;
    else if (this.#key === 'msg') this.envelope.msg = value;
    else if (this.#key === 'data' && isObject(value)) {
      this.envelope.hasData = true;
      this.#ready.push(text.slice(start, end).trim());
    }
  }

  /** Drops the text no longer needed: everything before the key, value or element in progress. */
  #keep(text: string): void {
    let from = text.length;
    if (this.#keyStart >= 0) from = Math.min(from, this.#keyStart);
    if (this.#valueStart >= 0 && !this.#skipping) {
      if (text.length - this.#valueStart > MEMBER_CAP_CHARS && this.#key !== 'data') this.#skipping = true;
      else from = Math.min(from, this.#valueStart);
    }
    if (this.#elementStart >= 0) from = Math.min(from, this.#elementStart);
    if (from === text.length && this.#inString) {
      // An escaping backslash may end this chunk: keep the run of them.
      while (from > 0 && text.charCodeAt(from - 1) === BACKSLASH) from--;
    }
    this.#text = text.slice(from);
    const shift = (index: number) => (index >= 0 ? index - from : index);
    this.#keyStart = shift(this.#keyStart);
    this.#valueStart = shift(this.#valueStart);
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
