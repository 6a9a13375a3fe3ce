import type { LocalSeconds } from '../time/local-time.js';

/** One element of the response's `data`, exactly as decoded (the API promises strings; it does not always keep that promise). */
export type RawRecord = Record<string, unknown>;

/** One call: `api={report}&date_ini={from}&date_end={to}`, both sent as given (YYYYmmddHHiiss). */
export interface WindowRequest {
  report: string;
  from: LocalSeconds;
  to: LocalSeconds;
}

export interface RestartInfo {
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  /** Why the previous attempt failed, safe to log (no token). */
  reason: string;
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
  /** True when the API answered 404 "Validate dates entered" (what it says for an empty window). */
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
