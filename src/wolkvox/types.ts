import type { LocalSeconds } from '../time/local-time.js';
import { batchLength, elementText, type ElementBatch, type ElementReader } from './decode.js';
import type { UnavailableCondition } from './errors.js';

/** One element of the response's `data`, exactly as decoded (the API promises strings; it does not always keep that promise). */
export type RawRecord = Record<string, unknown>;

/**
 * One call: `api={report}&date_ini={from}&date_end={to}`, both sent as given (YYYYmmddHHiiss), then
 * the report's parameter when it has one (e.g. `skill_id=12`).
 */
export interface WindowRequest {
  report: string;
  from: LocalSeconds;
  to: LocalSeconds;
  /** The report's extra query parameters (`skill_id`, `agent_id`, `campaign_id`, `cod_act`), if any. */
  params?: Readonly<Record<string, string>> | undefined;
}

export interface RestartInfo {
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  /** Why the previous attempt failed, safe to log (no token). */
  reason: string;
}

/** One failed attempt that the client will retry. */
export interface RetryEvent {
  request: WindowRequest;
  /** The attempt that failed, counted from 1. */
  attempt: number;
  /** Attempts allowed in all (retries + 1); the time bound of a window may end them sooner. */
  maxAttempts: number;
  /** Why it failed, safe to log (no token): HTTP status and Wolkvox message, timeout, reset... */
  reason: string;
  condition: UnavailableCondition;
  /** Wait before the next attempt, ms. */
  delayMs: number;
  /** When the next attempt starts, epoch ms. */
  retryAtMs: number;
}

/**
 * What the client tells about its calls while it works, for logs and status messages. It knows
 * nothing of who listens (the CLI turns these into Airbyte messages). Every method is optional.
 */
export interface ClientObserver {
  /** An attempt failed and another follows after `event.delayMs`. */
  onRetry?(event: RetryEvent): void;
  /** A call succeeded after `attempts` attempts (only called when attempts > 1). */
  onRecovered?(event: { request: WindowRequest; attempts: number }): void;
  /** The daily quota is spent; the call throws WolkvoxQuotaError right after. */
  onQuotaSpent?(event: { request: WindowRequest }): void;
}

/**
 * Turns a batch of elements of `data` (see decode.ts: their bytes or texts) into what its consumer
 * works with, one item per element (`length` counts them). It runs in the client, as the body
 * streams, so that a body whose text is not valid JSON is retried like any other broken body: it
 * throws SyntaxError for such text (as JSON.parse does).
 */
export interface RecordDecoder<R extends RecordBatch> {
  (batch: ElementBatch): R;
  /**
   * A reader of one body's elements as the splitter meets them (see ElementReader), when the
   * decoder has one: its readings reach the decoder with each batch (Utf8ElementBatch.readings).
   */
  readonly elementReader?: (() => ElementReader) | undefined;
}

/** What a decoder gives for a batch: one item per element. */
export interface RecordBatch {
  readonly length: number;
}

/** The default decoder: every element parsed by JSON.parse. */
export const parseRawRecords: RecordDecoder<RawRecord[]> = (batch) => {
  const records = new Array<RawRecord>(batchLength(batch));
  for (let k = 0; k < records.length; k++) records[k] = JSON.parse(elementText(batch, k)) as RawRecord;
  return records;
};

/**
 * What a window's response yields, in order: batches of records as the body streams (one per
 * chunk of the body at most), a `restart` when an attempt failed after records were yielded (the
 * same request starts again after `info.delayMs`, and its records come again from the first), and
 * one `end` with the call's result.
 */
export type WindowEvent<R> =
  | { type: 'records'; records: R }
  | { type: 'restart'; info: RestartInfo }
  | { type: 'end'; result: WindowResult };

export interface WindowResult {
  /** Records handed to the sink by the attempt that succeeded. */
  recordCount: number;
  /**
   * True when the API answered 404 "Validate dates entered" in its JSON envelope (what it says for
   * an empty window). A 404 with any other body is an error (WolkvoxEndpointError), never this.
   */
  notFound: boolean;
  /** Calls made for this window, retries included. */
  calls: number;
}

/** What the sync engine needs from the Wolkvox client. */
export interface ReportsClient {
  /**
   * One window's response, pulled: nothing is requested before the first `next()`, and the body is
   * read only as fast as the consumer pulls (time spent waiting on the consumer does not count
   * against the call's deadline). Retries transient failures. The iteration throws a
   * ConnectorError (config, system or transient) when the client gives up, or
   * CallBudgetExhaustedError before a call that would exceed the per-sync budget. Ending the
   * iteration early (return) releases the connection.
   */
  readWindow<R extends RecordBatch>(
    request: WindowRequest,
    decode: RecordDecoder<R>,
    signal?: AbortSignal,
  ): AsyncGenerator<WindowEvent<R>, void, undefined>;
  /** Calls made so far by this client (each costs one unit of the operation's daily quota). */
  readonly callsMade: number;
}

/** Not a failure: the per-sync call budget is spent; the sync ends cleanly and continues next time. */
export class CallBudgetExhaustedError extends Error {
  constructor(readonly budget: number) {
    super(`The API call budget of this sync (${budget} calls) is spent.`);
    this.name = 'CallBudgetExhaustedError';
  }
}
