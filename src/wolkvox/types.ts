import type { LocalSeconds } from '../time/local-time.js';
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

/** Where a window's records go while its body is decoded. */
export interface RecordSink {
  /** Called once per record, in body order. A returned promise pauses decoding (backpressure). */
  onRecord(record: RawRecord): void | Promise<void>;
  /**
   * The attempt failed after `onRecord` may have been called; the same request starts again after
   * `delayMs`. Records handed out by the failed attempt will come again.
   */
  onRestart(info: RestartInfo): void;
}

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
   * Streams one window's records into `sink`, retrying transient failures. Throws a ConnectorError
   * (config, system or transient) when it gives up, or CallBudgetExhaustedError before a call that
   * would exceed the per-sync budget.
   */
  readWindow(request: WindowRequest, sink: RecordSink, signal?: AbortSignal): Promise<WindowResult>;
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
