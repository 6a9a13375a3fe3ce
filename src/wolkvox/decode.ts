import { BodyTextDecoder } from './charset.js';
import type { BodyKind } from './errors.js';
import type { RawRecord } from './types.js';

/**
 * Decoding of a Reports Manager body: `{"code": 200, "error": null, "msg": "...", "data": [...] | {...}}`.
 * Bodies reach 256 MB, so a large one is never held whole: up to a threshold the chunks are kept and
 * parsed at once with JSON.parse (fastest); past it, EnvelopeSplitter below cuts the stream into
 * complete elements of `data`, handed out chunk by chunk. (stream-json did this first; its tokenizer
 * took a fifth of a backfill's CPU, the splitter runs at JSON.parse speed: see README, Performance.)
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

export type RecordHandler = (record: RawRecord) => void | Promise<void>;

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
 * Hands every record of the body to `onRecord` in body order, awaiting it when it returns a promise
 * (decoding, and so reading, pauses meanwhile). Returns the envelope's other fields.
 *
 * Records are handed out only while the envelope's `code` is success or not yet known: a body up to
 * the streaming threshold is parsed whole, so its code is known first; a larger one hands records
 * out as they stream, and its code is known first when it precedes `data` (Wolkvox's order). Only
 * a large body whose failing `code` follows `data` has handed records out before it is rejected
 * (the client then restarts the sink, see RecordSink.onRestart).
 * Throws MalformedBodyError for a body that is not the envelope, CompressedBodyError for gzip bytes.
 */
export async function decodeBody(
  body: AsyncIterable<Uint8Array>,
  onRecord: RecordHandler,
  options: DecodeOptions = {},
): Promise<Envelope> {
  const threshold = options.streamingThreshold ?? STREAMING_THRESHOLD_BYTES;
  const text = new BodyTextDecoder(options.charset);
  const chunks = body[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await chunks.next();
    if (next.done) return decodeWhole(Buffer.concat(head, size), text, onRecord);
    if (size === 0) refuseCompressed(next.value);
    head.push(next.value);
    size += next.value.length;
    if (size >= threshold)
      return decodeStreaming(head, { [Symbol.asyncIterator]: () => chunks }, text, onRecord);
  }
}

function refuseCompressed(first: Uint8Array): void {
  if (first[0] === 0x1f && first[1] === 0x8b) throw new CompressedBodyError();
}

async function decodeWhole(bytes: Buffer, text: BodyTextDecoder, onRecord: RecordHandler): Promise<Envelope> {
  let document: unknown;
  try {
    document = JSON.parse(text.decode(bytes) + text.end());
  } catch (error) {
    throw new MalformedBodyError(jsonParseProblem(error));
  }
  if (!isObject(document)) throw notAnObject('the body');
  const { code, error, msg, data } = document;
  const records = Array.isArray(data) ? data : isObject(data) ? [data] : [];
  for (const record of records) if (!isObject(record)) throw notAnObject('an element of `data`');
  if (isSuccessStatus(envelopeStatus(code))) {
    for (const record of records as RawRecord[]) {
      const pending = onRecord(record);
      if (pending) await pending;
    }
  }
  const hasData = Array.isArray(data) || isObject(data);
  return { code, error, msg, hasData, fallbackBytes: text.fallbackBytes };
}

/**
 * JSON.parse's complaint without the piece of body it quotes: a cut-off snippet could hold part of a
 * secret that redaction would no longer recognise.
 */
function jsonParseProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (/end of JSON input/i.test(message)) return 'the JSON ends early';
  const position = /position (\d+)/.exec(message)?.[1];
  return position === undefined ? 'not valid JSON' : `not valid JSON at character ${position}`;
}

async function decodeStreaming(
  head: Uint8Array[],
  rest: AsyncIterable<Uint8Array>,
  text: BodyTextDecoder,
  onRecord: RecordHandler,
): Promise<Envelope> {
  const splitter = new EnvelopeSplitter();
  // Chunk by chunk, so at most one chunk's records wait in memory for a slow sink.
  for (const chunk of head.splice(0)) {
    splitter.feed(text.decode(chunk));
    await splitter.handOut(onRecord);
  }
  for await (const chunk of rest) {
    splitter.feed(text.decode(chunk));
    await splitter.handOut(onRecord);
  }
  const tail = text.end();
  if (tail) splitter.feed(tail);
  splitter.end();
  await splitter.handOut(onRecord);
  return { ...splitter.envelope, fallbackBytes: text.fallbackBytes };
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
 * finds where each element of `data` begins and ends, and every run of complete elements is parsed
 * by one JSON.parse call (native speed). Text is kept only from the element, key or member value in
 * progress on; everything before it is dropped after each chunk.
 */
class EnvelopeSplitter {
  readonly envelope: Omit<Envelope, 'fallbackBytes'> = {
    code: undefined,
    error: undefined,
    msg: undefined,
    hasData: false,
  };
  /** `code` was read, and it is not success: records are dropped instead of handed out. */
  #failed = false;
  #ready: RawRecord[] = [];
  #text = '';
  #depth = 0;
  #inString = false;
  #state: TopState = 'start';
  #keyStart = -1;
  #key: string | undefined;
  #valueStart = -1;
  #inDataList = false;
  #elementStart = -1;
  #batchStart = -1;
  #batchEnd = -1;
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
            if (this.#batchStart < 0) this.#batchStart = i;
            this.#afterComma = false;
            depth++;
          } else if (c === COMMA) {
            if (!this.#needComma) throw malformed();
            this.#needComma = false;
            this.#afterComma = true;
          } else if (c === CLOSE_ARRAY) {
            if (this.#afterComma) throw malformed();
            depth--;
            this.#flush(text);
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
            this.#batchEnd = i + 1;
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
    this.#flush(text);
    this.#keep(text);
  }

  /** The text is over: anything still open means the body was cut. */
  end(): void {
    if (this.#state !== 'done' || this.#inString) throw malformed('the JSON ends early');
  }

  async handOut(onRecord: RecordHandler): Promise<void> {
    const records = this.#ready;
    this.#ready = [];
    if (this.#failed) return;
    for (const record of records) {
      const pending = onRecord(record);
      if (pending) await pending;
    }
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
      this.#ready.push(value);
    }
  }

  /** Parses the complete elements scanned so far, all in one JSON.parse. */
  #flush(text: string): void {
    if (this.#batchStart < 0 || this.#batchEnd <= this.#batchStart) return;
    let elements: unknown[];
    try {
      elements = JSON.parse(`[${text.slice(this.#batchStart, this.#batchEnd)}]`) as unknown[];
    } catch (error) {
      throw malformed(jsonParseProblem(error));
    }
    for (const element of elements) this.#ready.push(element as RawRecord);
    this.#batchStart = this.#elementStart;
    this.#batchEnd = -1;
  }

  /** Drops the text no longer needed: everything before the key, value or element in progress. */
  #keep(text: string): void {
    let from = text.length;
    if (this.#keyStart >= 0) from = Math.min(from, this.#keyStart);
    if (this.#valueStart >= 0 && !this.#skipping) {
      if (text.length - this.#valueStart > MEMBER_CAP_CHARS && this.#key !== 'data') this.#skipping = true;
      else from = Math.min(from, this.#valueStart);
    }
    if (this.#batchStart >= 0) from = Math.min(from, this.#batchStart);
    if (from === text.length && this.#inString) {
      // An escaping backslash may end this chunk: keep the run of them.
      while (from > 0 && text.charCodeAt(from - 1) === BACKSLASH) from--;
    }
    this.#text = text.slice(from);
    const shift = (index: number) => (index >= 0 ? index - from : index);
    this.#keyStart = shift(this.#keyStart);
    this.#valueStart = shift(this.#valueStart);
    this.#batchStart = shift(this.#batchStart);
    this.#batchEnd = shift(this.#batchEnd);
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
export async function readErrorDetail(
  body: AsyncIterable<Uint8Array>,
  charset?: string | undefined,
): Promise<ErrorBody> {
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
