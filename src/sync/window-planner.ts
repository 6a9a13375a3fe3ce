import type { LocalSeconds } from '../time/local-time.js';
import { DensityModel } from './density-model.js';

/** The seconds from `from` to `to`, both included. */
export interface Window {
  from: LocalSeconds;
  to: LocalSeconds;
}

export interface PlannerOptions {
  /** Last second to read, included. */
  end: LocalSeconds;
  /** Raw records per response at which a response counts as truncated. */
  cap: number;
  /** Longest window, in seconds. */
  maxWindowSeconds: number;
}

/** What one response told about where the records are. */
export interface ResponseSample {
  /** Raw records of the response, dated or not, inside the window or in its padding seconds. */
  rawCount: number;
  /** Parsed dates of those records, sorted ascending. */
  sortedDates: Float64Array;
  /** True when the body listed its records in non-decreasing date order. */
  bodyAscending: boolean;
}

/**
 * Share of the cap a density-sized window aims at, before the allowance for chance below: the
 * design's margin against density that changes from one window to the next.
 */
const FILL = 0.97;
/**
 * Standard deviations of a Poisson count kept free below the cap: with small caps (tests) chance
 * alone would otherwise truncate a window sized right on average; at 60,000 it costs under 1 %.
 */
const NOISE_ALLOWANCE = 1;
/** Typical prediction errors kept free below the cap. */
const ERROR_ALLOWANCE = 1.5;
/** Share of the cap kept free when re-reading a prefix that a truncated response showed in full. */
const PREFIX_MARGIN = 0.005;
/**
 * A window sized from the density that still reached the cap most likely overshot by a few
 * percent, not by half: its first re-read keeps this share of it. A second truncation at the same
 * start means a real surprise (a burst), and halving takes over.
 */
const OVERSHOOT_SHRINK = 0.87;

export function windowLength(window: Window): number {
  return window.to - window.from + 1;
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, value));
}

/** Number of sorted dates at or before `second` (binary search). */
function countUpTo(sortedDates: Float64Array, second: LocalSeconds): number {
  let low = 0;
  let high = sortedDates.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sortedDates[middle]! <= second) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Decides the windows of one sync, I/O-free. The engine asks for the window starting at a second,
 * then reports how the response went: complete (density is learnt from it) or truncated (the
 * response's dates decide how to split it).
 */
export class WindowPlanner {
  /** Records a density-sized window aims at. */
  readonly target: number;
  private readonly density = new DensityModel();
  /** Where the re-read of a truncated window ends, and whether a response prefix said so. */
  private split: { from: LocalSeconds; to: LocalSeconds; fromPrefix: boolean } | undefined;
  /** Responses sorted by date are taken as the first `cap` records until a re-read proves otherwise. */
  private prefixTrusted = true;
  /** Whether the window last planned was sized from a learnt density (not a blind first guess). */
  private lastWindowSized = false;

  constructor(private readonly options: PlannerOptions) {
    // The largest t with t + NOISE_ALLOWANCE * sqrt(t) <= cap - 1.
    const root = (Math.sqrt(NOISE_ALLOWANCE ** 2 + 4 * (options.cap - 1)) - NOISE_ALLOWANCE) / 2;
    this.target = Math.max(1, Math.min(FILL * options.cap, root * root));
  }

  /** The next window to read from `from` on (`from` <= end). */
  windowFrom(from: LocalSeconds): Window {
    if (this.split?.from === from) return { from, to: this.split.to };
    const limit = Math.min(this.options.end, from + this.options.maxWindowSeconds - 1);
    // The request also covers from - 1 and to + 1.
    const requestEnd = this.density.secondsHolding(from - 1, this.targetNow(), limit + 1);
    this.lastWindowSized = requestEnd !== undefined;
    return { from, to: requestEnd === undefined ? limit : clamp(requestEnd - 1, from, limit) };
  }

  /** The target, lowered by how far off past predictions were (a miss by e^x needs e^-x of room). */
  private targetNow(): number {
    const error = this.density.typicalError ?? 0;
    return Math.min(this.target, (this.options.cap - 1) * Math.exp(-ERROR_ALLOWANCE * error));
  }

  /** `window` was read in full: learn the density around its end. */
  completed(window: Window, sample: ResponseSample): void {
    this.split = undefined;
    const dates = sample.sortedDates;
    this.density.learn(
      window.from,
      window.to,
      dates.subarray(countUpTo(dates, window.from - 1), countUpTo(dates, window.to)),
    );
  }

  /**
   * `window` (longer than one second) came back at the cap. The re-read ends where the response's
   * dates say the cap is not reached, and never later than the middle of `window`, unless the
   * response looked like the first `cap` records by date: then its dates are exact, and the
   * first re-read that truncates anyway withdraws that trust for the rest of the sync.
   */
  truncated(window: Window, sample: ResponseSample): void {
    const again = this.split?.from === window.from;
    if (again && this.split!.fromPrefix) this.prefixTrusted = false;
    const fromPrefix = this.prefixTrusted && sample.bodyAscending && sample.sortedDates.length > 0;
    const overshot = !again && this.lastWindowSized;
    const to = fromPrefix
      ? this.prefixEnd(window, sample)
      : overshot
        ? window.from + Math.max(0, Math.floor(windowLength(window) * OVERSHOOT_SHRINK) - 1)
        : this.halfEnd(window, sample);
    this.split = { from: window.from, to, fromPrefix };
  }

  /**
   * Last second s such that the response holds every record requested by [from, s] (s + 1 is
   * before its last date, whose second may be cut) and they stay below the cap with a margin.
   */
  private prefixEnd(window: Window, sample: ResponseSample): LocalSeconds {
    const dates = sample.sortedDates;
    const lastDate = dates[dates.length - 1]!;
    const allowed = this.options.cap - 1 - Math.floor(PREFIX_MARGIN * this.options.cap);
    let end = Math.min(window.to - 1, lastDate - 2);
    if (end < window.from) return window.from;
    // The records requested by [from, end] are those dated up to end + 1.
    if (countUpTo(dates, end + 1) > allowed) {
      const limitDate = dates[allowed]!;
      end = Math.min(end, limitDate - 2);
    }
    return Math.max(window.from, end);
  }

  /** Half the window, or less when half the response's records lie in its first part. */
  private halfEnd(window: Window, sample: ResponseSample): LocalSeconds {
    const half = window.from + Math.floor(windowLength(window) / 2) - 1;
    const dates = sample.sortedDates;
    const median = dates.length > 0 ? dates[dates.length >>> 1]! - 1 : half;
    return Math.max(window.from, Math.min(half, median));
  }
}
