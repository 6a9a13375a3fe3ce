import { createRequire } from 'node:module';
import { setTimeout as delay } from 'node:timers/promises';
import type { Agent as UndiciAgent, Dispatcher } from 'undici';
import { SystemError } from '../errors/index.js';
import { createRedactor, type Redactor } from '../protocol/redact.js';
import { formatLocal } from '../time/local-time.js';
import { charsetOf } from './charset.js';
import { AttemptDeadline } from './deadline.js';
import {
  bodyElements,
  CompressedBodyError,
  type ElementBatch,
  envelopeDetail,
  envelopeStatus,
  isSuccessStatus,
  jsonParseProblem,
  MalformedBodyError,
  readErrorDetail,
  type Envelope,
} from './decode.js';
import {
  classifyAnswer,
  WolkvoxQuotaError,
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
  type ClientObserver,
  type RecordBatch,
  type RecordDecoder,
  type ReportsClient,
  type WindowEvent,
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
  /**
   * Overall deadline of one attempt in ms (connect, headers and whole body), default 75 s; an
   * attempt never runs past the time left of the window's retry allowance either.
   */
  attemptDeadlineMs?: number;
  /** Told about retries, recoveries and the spent quota. */
  observer?: ClientObserver;
  /** Test hooks. A given dispatcher belongs to the caller: close() leaves it open. */
  dispatcher?: Dispatcher;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  streamingThresholdBytes?: number;
}

export interface WolkvoxClient extends ReportsClient {
  /**
   * Responses so far with bytes that were not valid UTF-8 and no single-byte charset declared:
   * those bytes were decoded as Windows-1252 (see charset.ts).
   */
  readonly windows1252Responses: number;
  /** Closes the connections this client opened. */
  close(): Promise<void>;
}

// The API gives itself 60 s per call; 75 s leaves room for the transfer before calling it a timeout.
const CONNECT_TIMEOUT_MS = 10_000;
const ATTEMPT_DEADLINE_MS = 75_000;

export function createWolkvoxClient(options: WolkvoxClientOptions): WolkvoxClient {
  return new WolkvoxReportsClient(options);
}

/** How one attempt ended when it did not throw. `bodyStarted`: records were yielded. */
type Attempt =
  { result: Omit<WindowResult, 'calls'> } | { failure: WolkvoxUnavailableError; bodyStarted: boolean };

/** What one attempt works with. */
interface AttemptContext {
  url: string;
  /** The URL without its query, for messages. */
  endpoint: string;
  report: string;
  signal: AbortSignal | undefined;
  deadline: AttemptDeadline;
}

// undici's entry loads all of undici (fetch, WebSocket, caches, mocks, proxies: 112 modules); the client
// needs its Agent and request (25 modules): about 100 ms less before `read`'s first request (2 cores).
// undici is pinned to one version, and these are the files its entry takes them from.
const require = createRequire(import.meta.url);
const Agent = require('undici/lib/dispatcher/agent') as typeof UndiciAgent;
/** undici's `Dispatcher#request`, which its entry adds to every dispatcher's prototype. */
const dispatcherRequest = require('undici/lib/api/api-request') as (
  this: Dispatcher,
  options: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;

/** A failure while reading the body from the network, told apart from any other. */
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
  readonly #attemptDeadlineMs: number;
  readonly #observer: ClientObserver;
  #callsMade = 0;
  #windows1252Responses = 0;

  constructor(options: WolkvoxClientOptions) {
    const server = normaliseServer(options.server);
    const concurrency = options.maxConcurrentRequests ?? 1;
    this.#baseUrl = options.baseUrl;
    this.#headers = authHeaders(server, options.token);
    // Servers and proxies may echo the token, or part of it, in an error body.
    this.#redact = createRedactor([options.token], { fragments: true });
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher =
      options.dispatcher ??
      new Agent({
        connect: { timeout: CONNECT_TIMEOUT_MS },
        // undici's own timers are idle timers that each byte resets: the attempt deadline replaces them.
        headersTimeout: 0,
        bodyTimeout: 0,
        connections: concurrency,
      });
    this.#limiter = new Limiter(concurrency);
    this.#callBudget = options.callBudget;
    this.#retry = { ...DEFAULT_RETRY_TIMING, ...options.retryTiming, maxRetries: options.maxRetries };
    this.#sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#streamingThreshold = options.streamingThresholdBytes;
    this.#attemptDeadlineMs = options.attemptDeadlineMs ?? ATTEMPT_DEADLINE_MS;
    this.#observer = options.observer ?? {};
  }

  get callsMade(): number {
    return this.#callsMade;
  }

  get windows1252Responses(): number {
    return this.#windows1252Responses;
  }

  async *readWindow<R extends RecordBatch>(
    request: WindowRequest,
    decode: RecordDecoder<R>,
    signal?: AbortSignal,
  ): AsyncGenerator<WindowEvent<R>, void, undefined> {
    const url = reportUrl(this.#baseUrl, request);
    const endpoint = url.slice(0, url.indexOf('?'));
    let started: number | undefined; // when the first attempt got its turn
    let calls = 0;
    for (let attempts = 1; ; attempts += 1) {
      let attempt: Attempt;
      const release = await this.#limiter.acquire(signal);
      try {
        this.#spendCall();
        calls += 1;
        started ??= this.#now();
        // No attempt may outlive the window's retry allowance.
        const allowanceLeftMs = this.#retry.maxTotalMs - (this.#now() - started);
        const deadline = new AttemptDeadline(Math.max(1, Math.min(this.#attemptDeadlineMs, allowanceLeftMs)));
        try {
          attempt = yield* this.#attempt({ url, endpoint, report: request.report, signal, deadline }, decode);
        } finally {
          deadline.clear();
        }
      } catch (error) {
        if (error instanceof WolkvoxQuotaError) this.#observer.onQuotaSpent?.({ request });
        throw error;
      } finally {
        release();
      }
      if ('result' in attempt) {
        if (attempts > 1) this.#observer.onRecovered?.({ request, attempts });
        yield { type: 'end', result: { ...attempt.result, calls } };
        return;
      }
      signal?.throwIfAborted();
      const { failure, bodyStarted } = attempt;
      const elapsedMs = this.#now() - started;
      const decision = decideRetry(
        { attempts, elapsedMs, retryAfterMs: failure.retryAfterMs },
        this.#retry,
        this.#random,
      );
      if (!decision.retry) throw this.#givenUp(request, failure, attempts, elapsedMs, decision.exhausted);
      this.#checkBudget(); // no point sleeping before a call the budget forbids
      this.#observer.onRetry?.({
        request,
        attempt: attempts,
        maxAttempts: this.#retry.maxRetries + 1,
        reason: failure.reason,
        condition: failure.condition,
        delayMs: decision.delayMs,
        retryAtMs: this.#now() + decision.delayMs,
      });
      if (bodyStarted) {
        yield {
          type: 'restart',
          info: { attempt: attempts, delayMs: decision.delayMs, reason: failure.reason },
        };
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

  async *#attempt<R extends RecordBatch>(
    context: AttemptContext,
    decode: RecordDecoder<R>,
  ): AsyncGenerator<WindowEvent<R>, Attempt, undefined> {
    const { url, signal, deadline } = context;
    const abort = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
    let response: Dispatcher.ResponseData;
    try {
      const { origin, pathname, search } = new URL(url);
      response = await dispatcherRequest.call(this.#dispatcher, {
        origin,
        path: `${pathname}${search}`,
        method: 'GET',
        headers: this.#headers,
        signal: abort,
      });
    } catch (error) {
      signal?.throwIfAborted();
      if (deadline.expired) return { failure: timedOut(deadline, 'before an answer'), bodyStarted: false };
      return { failure: this.#networkFailure(error, 'before an answer'), bodyStarted: false };
    }
    const { statusCode, headers, body } = response;
    const charset = charsetOf(headers['content-type']);
    try {
      if (statusCode >= 200 && statusCode < 300) {
        return yield* this.#readRecords(body, context, decode, charset, headers['content-encoding']);
      }
      // The status alone classifies the answer if its short body cannot be read in time.
      const { detail, body: bodyKind } = await readErrorDetail(body, charset).catch(() => ({
        detail: '',
        body: 'empty' as const,
      }));
      signal?.throwIfAborted();
      const retryAfterMs = parseRetryAfter(headers['retry-after'], this.#now());
      return this.#outcome(
        {
          status: statusCode,
          fromEnvelope: false,
          detail: this.#redact(detail),
          body: bodyKind,
          retryAfterMs,
        },
        context,
        false,
      );
    } finally {
      body.destroy();
    }
  }

  async *#readRecords<R extends RecordBatch>(
    body: AsyncIterable<Uint8Array>,
    context: AttemptContext,
    decode: RecordDecoder<R>,
    charset: string | undefined,
    contentEncoding: string | string[] | undefined,
  ): AsyncGenerator<WindowEvent<R>, Attempt, undefined> {
    const { deadline, report } = context;
    let recordCount = 0;
    let envelope: Envelope;
    try {
      const elements = bodyElements(tagReadErrors(body), {
        streamingThreshold: this.#streamingThreshold,
        charset,
        reader: decode.elementReader?.(),
      });
      for (;;) {
        const next = await elements.next();
        if (next.done === true) {
          envelope = next.value;
          break;
        }
        const records = decodeAll(next.value, decode);
        recordCount += records.length;
        // Time spent waiting on the consumer is not the API's: the deadline does not count it.
        deadline.pause();
        yield { type: 'records', records };
        deadline.resume();
      }
    } catch (error) {
      const bodyStarted = recordCount > 0;
      if (error instanceof BodyReadError || (deadline.expired && error instanceof MalformedBodyError)) {
        context.signal?.throwIfAborted();
        const phase = `while reading the body, after ${recordCount} records`;
        if (deadline.expired) return { failure: timedOut(deadline, phase), bodyStarted };
        return { failure: this.#networkFailure(error.cause, phase), bodyStarted };
      }
      if (error instanceof MalformedBodyError) {
        const reason = this.#redact(error.message);
        return { failure: new WolkvoxUnavailableError(reason, 'malformed-body'), bodyStarted };
      }
      if (error instanceof CompressedBodyError) throw compressedBody(context, contentEncoding);
      throw error; // an abort, or a fault of this code: not ours to retry
    }
    if (envelope.fallbackBytes > 0) this.#windows1252Responses += 1;
    const status = envelopeStatus(envelope.code);
    if (status === undefined) {
      throw new WolkvoxRequestError(
        200,
        `Unexpected answer from Wolkvox for report ${report}: ${this.#redact(`code ${JSON.stringify(envelope.code)}`)}.`,
      );
    }
    if (isSuccessStatus(status)) {
      if (envelope.hasData) return { result: { recordCount, notFound: false } };
      return {
        failure: new WolkvoxUnavailableError('truncated or non-JSON body (no `data`)', 'malformed-body'),
        bodyStarted: recordCount > 0,
      };
    }
    const detail = this.#redact(envelopeDetail(envelope));
    const answer: ApiAnswer = {
      status,
      fromEnvelope: true,
      detail,
      body: 'envelope',
      retryAfterMs: undefined,
    };
    return this.#outcome(answer, context, recordCount > 0);
  }

  #outcome(answer: ApiAnswer, context: AttemptContext, bodyStarted: boolean): Attempt {
    const classified = classifyAnswer(answer, context.report, context.endpoint);
    if (classified === 'not-found' && bodyStarted) {
      // "No records" after records: a contradictory answer (a large body whose code follows data).
      const reason = 'code 404 "no records" after records of `data` had been read';
      return { failure: new WolkvoxUnavailableError(reason, 'malformed-body'), bodyStarted };
    }
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
    return new WolkvoxUnavailableError(`connection failed ${phase} (${what})`, 'connection', undefined, {
      cause,
    });
  }

  #givenUp(
    request: WindowRequest,
    failure: WolkvoxUnavailableError,
    attempts: number,
    elapsedMs: number,
    exhausted: 'attempts' | 'time',
  ): WolkvoxRetriesExhaustedError {
    const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
    const allowed = `the ${duration(this.#retry.maxTotalMs)} allowed for one window`;
    let limit = exhausted === 'attempts' ? tries : `${tries} within ${allowed}`;
    if (exhausted === 'time' && failure.retryAfterMs !== undefined) {
      const left = Math.max(0, this.#retry.maxTotalMs - elapsedMs);
      limit =
        `${tries}: the API asked to wait ${Math.ceil(failure.retryAfterMs / 1000)} seconds (Retry-After) before the next ` +
        `attempt, more than the ${Math.floor(left / 1000)} seconds left of ${allowed}`;
    }
    return new WolkvoxRetriesExhaustedError(
      `Wolkvox report ${request.report} for ${formatLocal(request.from)} to ${formatLocal(request.to)} could not be ` +
        `read after ${limit}; last failure: ${failure.reason}. The next sync continues from its last state.`,
      { cause: failure },
    );
  }
}

/** The records of a batch of elements; an element that is not valid JSON makes the body malformed. */
function decodeAll<R extends RecordBatch>(batch: ElementBatch, decode: RecordDecoder<R>): R {
  try {
    return decode(batch);
  } catch (error) {
    if (error instanceof SyntaxError) throw new MalformedBodyError(jsonParseProblem(error));
    throw error;
  }
}

/** A duration for people: "75 seconds", "10 minutes", "0.2 seconds", "1 second". */
export function duration(ms: number): string {
  if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000} minutes`;
  const seconds = ms / 1000;
  const shown = seconds >= 10 ? Math.round(seconds) : Number(seconds.toFixed(1));
  return `${shown} second${shown === 1 ? '' : 's'}`;
}

function timedOut(deadline: AttemptDeadline, phase: string): WolkvoxUnavailableError {
  return new WolkvoxUnavailableError(
    `no complete answer within ${duration(deadline.ms)}, the deadline of one call (${phase})`,
    'timeout',
  );
}

function compressedBody(context: AttemptContext, contentEncoding: string | string[] | undefined): Error {
  const declared = Array.isArray(contentEncoding) ? contentEncoding.join(', ') : contentEncoding;
  const how = declared
    ? `(Content-Encoding: ${declared}) although this connector never asks for compression`
    : 'without a Content-Encoding header';
  return new WolkvoxRequestError(
    200,
    `The answer of ${context.endpoint} for report ${context.report} is gzip-compressed ${how}, so it ` +
      'cannot be read. A proxy in front of Wolkvox (base_url) is the likely cause: configure it not to ' +
      'compress these answers.',
  );
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
