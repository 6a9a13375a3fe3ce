import { setTimeout as delay } from 'node:timers/promises';
import { Agent, request, type Dispatcher } from 'undici';
import { SystemError } from '../errors/index.js';
import { createRedactor, type Redactor } from '../protocol/redact.js';
import { formatLocal } from '../time/local-time.js';
import { decodeBody, envelopeDetail, MalformedBodyError, readErrorDetail, type Envelope } from './decode.js';
import {
  classifyAnswer,
  WolkvoxRequestError,
  WolkvoxRetriesExhaustedError,
  WolkvoxUnavailableError,
  type ApiAnswer,
} from './errors.js';
import { Limiter } from './limiter.js';
import { DEFAULT_RETRY_TIMING, decideRetry, parseRetryAfter, type RetryBounds } from './retry-timing.js';
import { authHeaders, normaliseServer, reportUrl } from './server.js';
import {
  CallBudgetExhaustedError,
  type RecordSink,
  type ReportsClient,
  type WindowRequest,
  type WindowResult,
} from './types.js';

export interface WolkvoxClientOptions {
  /** API origin (and optional path prefix) without a trailing slash, as resolved by the config. */
  baseUrl: string;
  server: string;
  token: string;
  /** Retries after the first attempt of a call. */
  maxRetries: number;
  maxConcurrentRequests?: 1 | 2;
  /** Calls this client may make in all; undefined means no budget. */
  callBudget?: number | undefined;
  /** Overrides of the retry timing (total time, base and cap of the backoff). */
  retryTiming?: Partial<Omit<RetryBounds, 'maxRetries'>>;
  /** Test hooks. A given dispatcher belongs to the caller: close() leaves it open. */
  dispatcher?: Dispatcher;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  streamingThresholdBytes?: number;
}

export interface WolkvoxClient extends ReportsClient {
  /** Closes the connections this client opened. */
  close(): Promise<void>;
}

// The API gives itself 60 s per call; 75 s leaves room for the transfer before calling it a timeout.
const CONNECT_TIMEOUT_MS = 10_000;
const RESPONSE_TIMEOUT_MS = 75_000;

export function createWolkvoxClient(options: WolkvoxClientOptions): WolkvoxClient {
  return new WolkvoxReportsClient(options);
}

/** How one attempt ended when it did not throw. */
type Attempt =
  { result: Omit<WindowResult, 'calls'> } | { failure: WolkvoxUnavailableError; bodyStarted: boolean };

/** A failure while reading the body from the network, told apart from a failure of the sink. */
class BodyReadError extends Error {}

class WolkvoxReportsClient implements WolkvoxClient {
  readonly #baseUrl: string;
  readonly #headers: Record<string, string>;
  readonly #redact: Redactor;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #limiter: Limiter;
  readonly #callBudget: number | undefined;
  readonly #retry: RetryBounds;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #streamingThreshold: number | undefined;
  #callsMade = 0;

  constructor(options: WolkvoxClientOptions) {
    const server = normaliseServer(options.server);
    const concurrency = options.maxConcurrentRequests ?? 1;
    this.#baseUrl = options.baseUrl;
    this.#headers = authHeaders(server, options.token);
    this.#redact = createRedactor([options.token]);
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher =
      options.dispatcher ??
      new Agent({
        connect: { timeout: CONNECT_TIMEOUT_MS },
        headersTimeout: RESPONSE_TIMEOUT_MS,
        bodyTimeout: RESPONSE_TIMEOUT_MS,
        connections: concurrency,
      });
    this.#limiter = new Limiter(concurrency);
    this.#callBudget = options.callBudget;
    this.#retry = { ...DEFAULT_RETRY_TIMING, ...options.retryTiming, maxRetries: options.maxRetries };
    this.#sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#streamingThreshold = options.streamingThresholdBytes;
  }

  get callsMade(): number {
    return this.#callsMade;
  }

  async readWindow(request: WindowRequest, sink: RecordSink, signal?: AbortSignal): Promise<WindowResult> {
    const url = reportUrl(this.#baseUrl, request);
    const started = this.#now();
    let calls = 0;
    for (let attempts = 1; ; attempts += 1) {
      const attempt = await this.#limiter.run(() => {
        this.#spendCall();
        calls += 1;
        return this.#attempt(url, request.report, sink, signal);
      }, signal);
      if ('result' in attempt) return { ...attempt.result, calls };
      signal?.throwIfAborted();
      const { failure, bodyStarted } = attempt;
      const elapsedMs = this.#now() - started;
      const decision = decideRetry(
        { attempts, elapsedMs, retryAfterMs: failure.retryAfterMs },
        this.#retry,
        this.#random,
      );
      if (!decision.retry) throw this.#givenUp(request, failure, attempts, decision.exhausted);
      this.#checkBudget(); // no point sleeping before a call the budget forbids
      if (bodyStarted) {
        sink.onRestart({ attempt: attempts, delayMs: decision.delayMs, reason: failure.reason });
      }
      await this.#sleep(decision.delayMs, signal).catch((error: unknown) => {
        signal?.throwIfAborted(); // an abort rejects with the signal's reason, wherever it lands
        throw error;
      });
    }
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.destroy();
  }

  #checkBudget(): void {
    if (this.#callBudget !== undefined && this.#callsMade >= this.#callBudget) {
      throw new CallBudgetExhaustedError(this.#callBudget);
    }
  }

  #spendCall(): void {
    this.#checkBudget();
    this.#callsMade += 1;
  }

  async #attempt(url: string, report: string, sink: RecordSink, signal?: AbortSignal): Promise<Attempt> {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: 'GET',
        headers: this.#headers,
        dispatcher: this.#dispatcher,
        signal,
      });
    } catch (error) {
      signal?.throwIfAborted();
      return { failure: this.#networkFailure(error, 'before an answer'), bodyStarted: false };
    }
    const { statusCode, headers, body } = response;
    try {
      if (statusCode >= 200 && statusCode < 300) return await this.#readRecords(body, report, sink);
      // The status alone classifies the answer if its short body cannot be read.
      const detail = await readErrorDetail(body).catch(() => '');
      signal?.throwIfAborted();
      const retryAfterMs = parseRetryAfter(headers['retry-after'], this.#now());
      return this.#outcome(
        { status: statusCode, fromEnvelope: false, detail: this.#redact(detail), retryAfterMs },
        report,
        false,
      );
    } finally {
      body.destroy();
    }
  }

  async #readRecords(body: AsyncIterable<Uint8Array>, report: string, sink: RecordSink): Promise<Attempt> {
    let recordCount = 0;
    const onRecord: RecordSink['onRecord'] = (record) => {
      recordCount += 1;
      return sink.onRecord(record);
    };
    let envelope: Envelope;
    try {
      envelope = await decodeBody(tagReadErrors(body), onRecord, this.#streamingThreshold);
    } catch (error) {
      if (error instanceof MalformedBodyError) {
        return { failure: new WolkvoxUnavailableError(this.#redact(error.message)), bodyStarted: true };
      }
      if (error instanceof BodyReadError) {
        const phase = `while reading the body, after ${recordCount} records`;
        return { failure: this.#networkFailure(error.cause, phase), bodyStarted: true };
      }
      throw error; // the sink's own failure (or an abort): not ours to retry
    }
    const status = envelopeStatus(envelope.code);
    if (status === undefined) {
      throw new WolkvoxRequestError(
        200,
        `Unexpected answer from Wolkvox for report ${report}: ${this.#redact(`code ${JSON.stringify(envelope.code)}`)}.`,
      );
    }
    if (status === 200) {
      if (envelope.hasData) return { result: { recordCount, notFound: false } };
      return {
        failure: new WolkvoxUnavailableError('truncated or non-JSON body (no `data`)'),
        bodyStarted: true,
      };
    }
    const detail = this.#redact(envelopeDetail(envelope));
    return this.#outcome({ status, fromEnvelope: true, detail, retryAfterMs: undefined }, report, true);
  }

  #outcome(answer: ApiAnswer, report: string, bodyStarted: boolean): Attempt {
    const classified = classifyAnswer(answer, report);
    if (classified === 'not-found') return { result: { recordCount: 0, notFound: true } };
    if (classified instanceof WolkvoxUnavailableError) return { failure: classified, bodyStarted };
    throw classified;
  }

  #networkFailure(error: unknown, phase: string): WolkvoxUnavailableError {
    const cause = scrubbed(error, this.#redact);
    const code = (cause as { code?: unknown }).code;
    const what = [typeof code === 'string' ? code : cause.name, cause.message].filter(Boolean).join(': ');
    // A request undici refuses to send (e.g. a token with a line break) fails the same way every time.
    if (code === 'UND_ERR_INVALID_ARG')
      throw new SystemError(`The request to Wolkvox could not be sent (${what}).`, { cause });
    return new WolkvoxUnavailableError(`connection failed ${phase} (${what})`, undefined, { cause });
  }

  #givenUp(
    request: WindowRequest,
    failure: WolkvoxUnavailableError,
    attempts: number,
    exhausted: 'attempts' | 'time',
  ): WolkvoxRetriesExhaustedError {
    const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
    const limit =
      exhausted === 'attempts'
        ? tries
        : `${tries} within the ${duration(this.#retry.maxTotalMs)} allowed for retries`;
    return new WolkvoxRetriesExhaustedError(
      `Wolkvox report ${request.report} for ${formatLocal(request.from)} to ${formatLocal(request.to)} could not be ` +
        `read after ${limit}; last failure: ${failure.reason}. The next sync continues from its last state.`,
      { cause: failure },
    );
  }
}

function duration(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} minutes` : `${Math.round(ms / 1000)} seconds`;
}

/** The envelope's code as a number (200 when absent: `data` decides), or undefined when unreadable. */
function envelopeStatus(code: unknown): number | undefined {
  if (code === undefined || code === null) return 200;
  if (typeof code === 'number' && Number.isInteger(code)) return code;
  if (typeof code === 'string' && /^\s*\d{3}\s*$/.test(code)) return Number(code);
  return undefined;
}

async function* tagReadErrors(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await chunks.next();
    } catch (error) {
      throw new BodyReadError('body read failed', { cause: error });
    }
    if (next.done) return;
    yield next.value;
  }
}

/** A copy of a foreign error with the token masked: undici errors may quote headers or URLs. */
function scrubbed(error: unknown, redact: Redactor): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(redact(source.message));
  copy.name = source.name;
  copy.stack = source.stack === undefined ? undefined : redact(source.stack);
  const code = (source as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  return copy;
}
