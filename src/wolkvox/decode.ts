import { getManyValues, none, type Many } from 'stream-chain/defs.js';
import Assembler from 'stream-json/core/assembler.js';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import type { RawRecord } from './types.js';

/**
 * Decoding of a Reports Manager body: `{"code": 200, "error": null, "msg": "...", "data": [...] | {...}}`.
 * Bodies reach 256 MB, so a large one is never held whole: up to a threshold the chunks are kept and
 * parsed at once with JSON.parse (fastest); past it, they and the rest of the body go through
 * stream-json's tokenizer, and each element of `data` is handed out as soon as it is complete.
 */

/** The body is not JSON, is truncated, or is not shaped like the envelope: another attempt may do better. */
export class MalformedBodyError extends Error {
  constructor(detail: string) {
    super(`truncated or non-JSON body (${detail})`);
    this.name = 'MalformedBodyError';
  }
}

export interface Envelope {
  code: unknown;
  error: unknown;
  msg: unknown;
  /** False when `data` is missing or is neither a list nor an object (e.g. null). */
  hasData: boolean;
}

export type RecordHandler = (record: RawRecord) => void | Promise<void>;

export const STREAMING_THRESHOLD_BYTES = 8 * 1024 * 1024;

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
 */
export async function decodeBody(
  body: AsyncIterable<Uint8Array>,
  onRecord: RecordHandler,
  streamingThreshold = STREAMING_THRESHOLD_BYTES,
): Promise<Envelope> {
  const chunks = body[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await chunks.next();
    if (next.done) return decodeWhole(Buffer.concat(head, size), onRecord);
    head.push(next.value);
    size += next.value.length;
    if (size >= streamingThreshold)
      return decodeStreaming(head, { [Symbol.asyncIterator]: () => chunks }, onRecord);
  }
}

async function decodeWhole(bytes: Buffer, onRecord: RecordHandler): Promise<Envelope> {
  let document: unknown;
  try {
    // TextDecoder drops a leading byte-order mark, as the streaming path does.
    document = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new MalformedBodyError(jsonParseProblem(error));
  }
  if (!isObject(document)) throw notAnObject('the body');
  const { code, error, msg, data } = document;
  const records = Array.isArray(data) ? data : isObject(data) ? [data] : [];
  for (const record of records) {
    if (!isObject(record)) throw notAnObject('an element of `data`');
    const pending = onRecord(record);
    if (pending) await pending;
  }
  return { code, error, msg, hasData: Array.isArray(data) || isObject(data) };
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
  onRecord: RecordHandler,
): Promise<Envelope> {
  // Called with `none` it flushes (end of input); stream-chain's typings leave that call out.
  const tokenize = jsonParser({ streamValues: false }) as (
    input: string | typeof none,
  ) => Many<Token> | typeof none;
  const text = new TextDecoder();
  const reader = new EnvelopeReader();
  const feed = (input: string | typeof none) => {
    let tokens;
    try {
      tokens = tokenize(input);
    } catch (error) {
      throw new MalformedBodyError((error as Error).message);
    }
    if (tokens !== none) for (const token of getManyValues(tokens)) reader.consume(token);
  };
  // Chunk by chunk, so at most one chunk's records wait in memory for a slow sink.
  for (const chunk of head.splice(0)) {
    feed(text.decode(chunk, { stream: true }));
    await reader.handOut(onRecord);
  }
  for await (const chunk of rest) {
    feed(text.decode(chunk, { stream: true }));
    await reader.handOut(onRecord);
  }
  const tail = text.decode();
  if (tail) feed(tail);
  feed(none); // end of input: throws if the document is incomplete
  await reader.handOut(onRecord);
  return reader.envelope;
}

/** Follows the envelope's tokens: keeps code/error/msg, assembles each record of `data`, skips the rest. */
class EnvelopeReader {
  readonly envelope: Envelope = { code: undefined, error: undefined, msg: undefined, hasData: false };
  #ready: RawRecord[] = [];
  /** Containers open around the current token, not counting the record being assembled. */
  #depth = 0;
  /** The last key read in the envelope object itself. */
  #key: string | null = null;
  #inDataList = false;
  #record = new Assembler();
  #assembling = false;

  consume(token: Token): void {
    if (this.#assembling) {
      this.#record.consume(token);
      if (this.#record.done) {
        this.#ready.push(this.#record.current as RawRecord);
        this.#assembling = false;
      }
      return;
    }
    switch (token.name) {
      case 'keyValue':
        if (this.#depth === 1) this.#key = token.value;
        return;
      case 'startObject':
        if (this.#atDataElement() || this.#atDataValue()) {
          this.envelope.hasData = true;
          this.#assembling = true;
          this.#record.consume(token);
          return;
        }
        this.#depth += 1;
        return;
      case 'startArray':
        if (this.#depth === 0) throw notAnObject('the body');
        if (this.#atDataElement()) throw notAnObject('an element of `data`');
        if (this.#atDataValue()) this.#inDataList = this.envelope.hasData = true;
        this.#depth += 1;
        return;
      case 'endObject':
      case 'endArray':
        this.#depth -= 1;
        if (this.#depth === 1) this.#inDataList = false;
        return;
      case 'stringValue':
      case 'numberValue':
      case 'nullValue':
      case 'trueValue':
      case 'falseValue':
        this.#scalar(token.name === 'numberValue' ? Number(token.value) : token.value);
        return;
      default:
        return;
    }
  }

  async handOut(onRecord: RecordHandler): Promise<void> {
    const records = this.#ready;
    this.#ready = [];
    for (const record of records) {
      const pending = onRecord(record);
      if (pending) await pending;
    }
  }

  #atDataValue(): boolean {
    return this.#depth === 1 && this.#key === 'data';
  }

  #atDataElement(): boolean {
    return this.#inDataList && this.#depth === 2;
  }

  #scalar(value: unknown): void {
    if (this.#depth === 0) throw notAnObject('the body');
    if (this.#atDataElement()) throw notAnObject('an element of `data`');
    if (this.#depth !== 1) return;
    if (this.#key === 'code') this.envelope.code = value;
    else if (this.#key === 'error') this.envelope.error = value;
    else if (this.#key === 'msg') this.envelope.msg = value;
  }
}

/** The readable part of a non-2xx body: the envelope's `error` and `msg`, or the start of the raw text. */
export async function readErrorDetail(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= ERROR_BODY_CAP_BYTES) break;
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks, size).subarray(0, ERROR_BODY_CAP_BYTES));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return tidy(text);
  }
  return isObject(parsed) ? envelopeDetail(parsed) : tidy(text);
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
