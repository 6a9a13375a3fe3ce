import { windowLength, type Window } from '../planner/index.js';
import { formatLocal, SECONDS_PER_DAY, type LocalSeconds } from '../time/local-time.js';
import type { SyncOutput } from './output.js';
import { ANOMALIES_LOGGED, type DeliveryCounts } from './window-reader.js';
/** Relative change that makes a new row estimate worth sending. */
const ESTIMATE_CHANGE = 0.1;

export interface SyncTotals extends DeliveryCounts {
  /** Windows read in full. */
  windows: number;
  calls: number;
  /** Truncated windows that were split and read again. */
  splits: number;
  /** Responses that reached the cap (splits, and one-second windows that could not be split). */
  truncatedCalls: number;
}

export function describeWindow(window: Window): string {
  return `${formatLocal(window.from)} to ${formatLocal(window.to)}`;
}

/**
 * Counts what a sync did, and says it: per-window INFO, warnings, row estimates, totals. Its
 * `totals` are also the sync's DeliveryCounts, counted up by whoever delivers the records.
 */
export class SyncProgress {
  readonly totals: SyncTotals = {
    records: 0,
    windows: 0,
    calls: 0,
    splits: 0,
    truncatedCalls: 0,
    undatedRecords: 0,
    outsideRecords: 0,
    futureRecords: 0,
    anomalies: 0,
  };
  private readonly callsAtStart: number;
  private callsBeforeWindow: number;
  private recordsBeforeWindow = 0;
  private splitsInWindow = 0;
  /** Seconds of the range read in full so far. */
  private secondsRead = 0;
  private lastEstimate: number | undefined;

  constructor(
    private readonly output: SyncOutput,
    private readonly stream: string,
    private readonly callsMade: () => number,
  ) {
    this.callsAtStart = callsMade();
    this.callsBeforeWindow = this.callsAtStart;
  }

  /**
   * The first row estimate, sent before the first call: the sync is about to read `range`
   * (LocalSeconds, inclusive; empty when `to < from`) and knows nothing of its density yet. It
   * assumes the density at which one longest window (`maxWindowSeconds`, seconds) just fills a
   * call (`cap` records): high for most operations, so a progress bar does not run ahead, and
   * corrected by `windowCompleted` from the first window read. Logs it at INFO, marked rough.
   */
  planned(range: Window, cap: number, maxWindowSeconds: number): void {
    const seconds = Math.max(0, windowLength(range));
    const estimate = Math.round((cap * seconds) / maxWindowSeconds);
    this.lastEstimate = estimate;
    this.output.estimate(estimate);
    this.output.log(
      'INFO',
      seconds === 0
        ? `${this.stream}: nothing to read before ${formatLocal(range.from)}; estimate 0 records.`
        : `${this.stream}: reading ${describeWindow(range)}; estimate ${estimate} records ` +
            `(rough, nothing read yet: ${cap} records per ${Math.round(maxWindowSeconds / SECONDS_PER_DAY)} days assumed).`,
    );
  }

  get callsSoFar(): number {
    return this.callsMade() - this.callsAtStart;
  }

  /**
   * A one-second window came back at the cap even without the padding seconds the API is known to
   * include: `inside` of its records are dated in that second, and nothing smaller can be asked for.
   */
  unsplittable(window: Window, cap: number, inside: number): void {
    this.totals.truncatedCalls += 1;
    const what =
      inside >= cap
        ? `holds ${inside} records, the most one call returns`
        : `came back at the cap of ${cap} records with ${inside} of them in that second, and the API's ` +
          'handling of the range ends could not be told apart to ask for that second alone';
    this.output.log(
      'WARN',
      `${this.stream}: the second ${formatLocal(window.from)} ${what}; it cannot be split, so records of that ` +
        'second may be missing.',
    );
  }

  /** `window` came back at the cap and is read again as `next` (and what follows). */
  split(window: Window, cap: number, next: Window): void {
    this.totals.truncatedCalls += 1;
    this.totals.splits += 1;
    this.splitsInWindow += 1;
    this.output.log(
      'INFO',
      `${this.stream}: ${describeWindow(window)} returned ${cap} records or more, the most one call returns; ` +
        `reading ${describeWindow(next)} instead.`,
    );
  }

  windowCompleted(window: Window, rangeEnd: LocalSeconds): void {
    this.totals.windows += 1;
    const calls = this.callsMade();
    this.output.log(
      'INFO',
      `${this.stream}: ${describeWindow(window)}: ${this.totals.records - this.recordsBeforeWindow} records, ` +
        `${calls - this.callsBeforeWindow} calls, ${this.splitsInWindow} splits.`,
    );
    this.callsBeforeWindow = calls;
    this.recordsBeforeWindow = this.totals.records;
    this.splitsInWindow = 0;
    this.updateEstimate(window, rangeEnd);
  }

  /** Records so far plus the density seen so far over what is left of the range. */
  private updateEstimate(window: Window, rangeEnd: LocalSeconds): void {
    this.secondsRead += windowLength(window);
    const density = this.totals.records / this.secondsRead;
    const estimate = Math.round(this.totals.records + density * Math.max(0, rangeEnd - window.to));
    const last = this.lastEstimate;
    if (last !== undefined && Math.abs(estimate - last) <= ESTIMATE_CHANGE * Math.max(last, 1)) return;
    this.lastEstimate = estimate;
    this.output.estimate(estimate);
  }

  finish(outcome: string): SyncTotals {
    this.totals.calls = this.callsSoFar;
    const {
      records,
      windows,
      calls,
      splits,
      truncatedCalls,
      undatedRecords,
      outsideRecords,
      futureRecords,
      anomalies,
    } = this.totals;
    if (anomalies > ANOMALIES_LOGGED) {
      this.output.log(
        'WARN',
        `${this.stream}: ${anomalies} records in all did not have the documented shape.`,
      );
    }
    if (undatedRecords > 0) {
      this.output.log(
        'WARN',
        `${this.stream}: ${undatedRecords} records had no readable date; each was delivered once, by the window that returned it.`,
      );
    }
    if (outsideRecords > 0) {
      this.output.log(
        'WARN',
        `${this.stream}: ${outsideRecords} records were dated outside the range they were requested for (the report ` +
          'may select rows by another date); each was delivered once, by the request that returned it.',
      );
    }
    if (futureRecords > 0) {
      this.output.log(
        'WARN',
        `${this.stream}: ${futureRecords} records were dated after the present in the operation's time zone (a ` +
          'skewed clock, or a wrong `timezone` setting); they were delivered, and the cursor stays at the present.',
      );
    }
    this.output.log(
      'INFO',
      `${this.stream}: ${outcome}: ${records} records, ${windows} windows, ${calls} calls, ` +
        `${splits} splits, ${truncatedCalls} truncated calls.`,
    );
    return this.totals;
  }
}
