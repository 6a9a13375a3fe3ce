import type { LocalSeconds } from '../time/local-time.js';
import { DensityModel } from './density-model.js';
import type { WindowPlanner } from './index.js';
import { countUpTo } from './sorted-dates.js';
import { ThinnedSample } from './thinned-sample.js';

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
  /** Parsed dates of the response's records (inside the window or its padding seconds), ascending. */
  sortedDates: Float64Array;
  /** How the body listed its records by date. */
  bodyOrder: BodyOrder;
}

/** Date order of a response body; a body whose dates are all equal counts as ascending. */
export type BodyOrder = 'ascending' | 'descending' | 'unordered';

/** Follows the date order of a body as its dates stream by. */
export class BodyOrderTracker {
  private ascending = true;
  private descending = true;
  private previous: number | undefined;

  note(date: number): void {
    if (this.previous !== undefined && date < this.previous) this.ascending = false;
    if (this.previous !== undefined && date > this.previous) this.descending = false;
    this.previous = date;
  }

  get order(): BodyOrder {
    if (this.ascending) return 'ascending';
    return this.descending ? 'descending' : 'unordered';
  }
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
/** Standard errors of a calibrated sample's prediction kept free below the cap. */
const SAMPLE_ALLOWANCE = 2.5;
/**
 * Share of an unordered body's dates a blind re-read keeps: the window held `cap` records at least
 * and maybe many times more, and a quarter finds a dense period in half the truncated calls that
 * halving takes.
 */
const BLIND_SHARE = 0.25;

/** The body order a truncated response's dates were believed for. */
function orderOf(sample: ThinnedSample): BodyOrder {
  return sample.kind === 'exact' ? 'descending' : 'unordered';
}

export function windowLength(window: Window): number {
  return window.to - window.from + 1;
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, value));
}

/** How the window last planned was sized. */
type Sizing = 'blind' | 'density' | 'sample';

/**
 * Decides the windows of one sync, I/O-free. The engine asks for the window starting at a second,
 * then reports how the response went: complete (density is learnt from it) or truncated (the
 * response's dates decide how to split it).
 */
export class AdaptiveWindowPlanner implements WindowPlanner {
  /** Records a density-sized window aims at. */
  readonly target: number;
  private readonly density = new DensityModel();
  /** Where the re-read of a truncated window ends, and which body order it believed. */
  private split: { from: LocalSeconds; to: LocalSeconds; believed: BodyOrder | undefined } | undefined;
  /**
   * What truncated bodies are taken for, until a window planned from that belief truncates or
   * mispredicts: an ascending body is the first `cap` records by date, a descending one the last
   * `cap`, an unordered one a uniform sample.
   */
  private readonly believed: Record<BodyOrder, boolean> = {
    ascending: true,
    descending: true,
    unordered: true,
  };
  /** What the latest truncated response showed beyond its re-read, while it may size windows. */
  private sample: ThinnedSample | undefined;
  private lastSizing: Sizing = 'blind';

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
    let requestEnd = this.sampleSizedEnd(from - 1, limit + 1);
    this.lastSizing = 'sample';
    if (requestEnd === undefined) {
      requestEnd = this.density.secondsHolding(from - 1, this.targetNow(), limit + 1);
      this.lastSizing = requestEnd === undefined ? 'blind' : 'density';
    }
    return { from, to: requestEnd === undefined ? limit : clamp(requestEnd - 1, from, limit) };
  }

  /** How much more than predicted a density-predicted count may turn out (a miss by e^x needs e^-x of room). */
  private densityMargin(): number {
    return Math.exp(ERROR_ALLOWANCE * (this.density.typicalError ?? 0));
  }

  /** The target of a density-sized window, lowered by how far off past predictions were. */
  private targetNow(): number {
    return Math.min(this.target, (this.options.cap - 1) / this.densityMargin());
  }

  /**
   * The request end sized from a truncated response's dates (and their scale) where they reach,
   * by the density model before and after them; undefined unless they start before `limit`.
   */
  private sampleSizedEnd(first: LocalSeconds, limit: LocalSeconds): LocalSeconds | undefined {
    const dates = this.sample;
    const scale = dates?.scale;
    if (dates === undefined || scale === undefined || first > dates.last || dates.first > limit) {
      return undefined;
    }
    const error = dates.relativeError(this.options.cap / scale);
    let records = Math.min(this.target, (this.options.cap - 1) * Math.exp(-SAMPLE_ALLOWANCE * error));
    // Records the density model predicts around the dates count with its margin for error.
    const margin = this.densityMargin();
    if (first < dates.first) {
      const before = this.density.expectedIn(first, dates.first - 1);
      if (before === undefined) return undefined;
      records -= before * margin;
      if (records <= 0) return this.density.secondsHolding(first, this.targetNow(), limit);
    }
    const { to, expected } = dates.lastSecondHolding(Math.max(first, dates.first), records, scale);
    if (to >= limit) return limit;
    if (to < dates.last) return to;
    const rest = (records - expected) / margin;
    return rest > 0 ? (this.density.secondsHolding(to + 1, rest, limit) ?? to) : to;
  }

  /** `window` was read in full: learn the density around its end. */
  completed(window: Window, sample: ResponseSample): void {
    this.split = undefined;
    const dates = sample.sortedDates;
    if (this.sample?.calibrate(window.from - 1, window.to + 1, dates) === false) {
      this.believed[orderOf(this.sample)] = false;
      this.sample = undefined;
    }
    this.learn(window.from, window.to, dates);
  }

  private learn(from: LocalSeconds, to: LocalSeconds, sortedDates: Float64Array): void {
    this.density.learn(
      from,
      to,
      sortedDates.subarray(countUpTo(sortedDates, from - 1), countUpTo(sortedDates, to)),
    );
  }

  /**
   * `window` (longer than one second) came back at the cap. Where its re-read ends depends on what
   * the body is believed to be:
   * - the first `cap` records by date (ascending): its dates are exact up to its last second;
   * - the last `cap` (descending): its dates are exact from its first second on, and the density
   *   they show sizes the re-read of the part before;
   * - a uniform sample (unordered) of a window sized from the density: the density model says how
   *   many records one sampled date stands for, judged where it was right; a blind or repeated
   *   truncation keeps a share of the dates;
   * - otherwise a window sized from the density overshot a little; a blind or repeated truncation
   *   keeps at most half of it.
   * A truncated window planned from a belief withdraws it for the rest of the sync.
   */
  truncated(window: Window, response: ResponseSample): void {
    const again = this.split?.from === window.from;
    // Exact dates cannot be wrong about a window planned inside them; a uniform sample can, by chance
    // (its calibration catches a sample that is not uniform).
    if (again && this.split!.believed === 'ascending') this.believed.ascending = false;
    const sample = this.sample;
    const inside = sample && window.from - 1 >= sample.first && window.to + 1 <= sample.last;
    if (this.lastSizing === 'sample' && inside && sample.kind === 'exact') {
      this.believed[orderOf(sample)] = false;
    }
    const overshot = !again && this.lastSizing !== 'blind';
    const dates = response.sortedDates;
    const order = dates.length > 0 && this.believed[response.bodyOrder] ? response.bodyOrder : undefined;
    this.sample = undefined;
    let to: LocalSeconds;
    if (order === 'ascending') to = this.prefixEnd(window, dates);
    else if (order === 'descending') to = this.beforeSuffixEnd(window, dates, again, sample);
    else if (order === 'unordered') {
      const sampled = new ThinnedSample('uniform', window.from - 1, window.to + 1, dates);
      this.sample = sampled;
      to = overshot
        ? this.sampleScaledEnd(window, sampled)
        : this.shareEnd(window, dates, again ? 0.5 : BLIND_SHARE);
    } else if (overshot) to = window.from + Math.floor(windowLength(window) * OVERSHOOT_SHRINK) - 1;
    else to = this.shareEnd(window, dates, 0.5);
    this.split = { from: window.from, to: clamp(to, window.from, window.to - 1), believed: order };
  }

  /**
   * The re-read of an overshot window whose body is a uniform sample: its dates show where the
   * records lie, and the density model, where it agrees with them, how many each date stands for.
   */
  private sampleScaledEnd(window: Window, sampled: ThinnedSample): LocalSeconds {
    const scale = Math.max(this.density.scaleOf(sampled) ?? 0, 1 / OVERSHOOT_SHRINK);
    return sampled.lastSecondHolding(window.from - 1, this.targetNow(), scale).to - 1;
  }

  /**
   * Last second s such that the response holds every record requested by [from, s] (s + 1 is
   * before its last date, whose second may be cut) and they stay below the cap with a margin.
   */
  private prefixEnd(window: Window, dates: Float64Array): LocalSeconds {
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

  /**
   * A descending body holds every record after its first second: they are kept to size the
   * windows there and the re-read, whose part before that second the density they show sizes.
   */
  private beforeSuffixEnd(
    window: Window,
    dates: Float64Array,
    again: boolean,
    previous: ThinnedSample | undefined,
  ): LocalSeconds {
    const firstDate = dates[0]!;
    let known = dates.subarray(countUpTo(dates, firstDate));
    let last = window.to + 1;
    // A re-read that truncated again extends what the previous body showed after it.
    const later = previous?.kind === 'exact' && previous.first <= last + 1 ? previous : undefined;
    if (later !== undefined && later.last > last) {
      const after = later.datesFrom(last + 1);
      const merged = new Float64Array(known.length + after.length);
      merged.set(known);
      merged.set(after, known.length);
      known = merged;
      last = later.last;
    }
    this.sample = new ThinnedSample('exact', firstDate + 1, last, known);
    this.learn(firstDate + 1, window.to, known);
    // The records up to the first date as the density model expects them, then the known ones;
    // when that truncated already, the re-read ends before the first date.
    const end = again
      ? this.density.secondsHolding(window.from - 1, this.targetNow(), firstDate)
      : this.sampleSizedEnd(window.from - 1, window.to);
    return (end ?? window.from + Math.floor(windowLength(window) / 2)) - 1;
  }

  /** Half the window, or less when `share` of the response's dates lie in its first part. */
  private shareEnd(window: Window, dates: Float64Array, share: number): LocalSeconds {
    const half = window.from + Math.floor(windowLength(window) / 2) - 1;
    const quantile = dates.length > 0 ? dates[Math.floor(dates.length * share)]! - 1 : half;
    return Math.min(half, quantile);
  }
}
