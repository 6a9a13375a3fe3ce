import type { LocalSeconds } from '../time/local-time.js';
import type { ThinnedSample } from './thinned-sample.js';

const HOUR = 3600;
const HOURS_PER_DAY = 24;
const HOURS_PER_WEEK = 168;
/** Seconds a profile bin must have been observed before its rate is believed. */
const MIN_EXPOSURE = HOUR;
/** Weight of the newest window in the level. */
const SMOOTHING = 0.5;
/**
 * Largest log error one window moves the level by (before smoothing), up and down: a density
 * overestimated only costs short windows, so it is corrected faster than an underestimated one.
 */
const MAX_LEVEL_RISE = 0.3;
const MAX_LEVEL_FALL = 0.6;
/** Largest log error one window counts for: beyond it a prediction is simply wrong. */
const MAX_JUDGED_ERROR = 1;
/** Latest prediction errors whose median sizes the margin. */
const ERRORS_KEPT = 5;
/** Median of |x| for a standard normal x. */
const MEDIAN_ABSOLUTE_DEVIATION = 0.6745;
/** An hour holding more than this multiple of its usual count (plus the slack) is a burst. */
const BURST_RATIO = 3;
const BURST_SLACK = 10;
/**
 * Windows in a row with bursts in more than this share of their time after which the bursts are
 * taken for the usual traffic (the profile is wrong, not the traffic).
 */
const MAX_BURST_SHARE = 0.25;
const PERSISTENT_BURSTS = 3;
/** Stretches a thinned sample is cut into to compare it with the prediction. */
const SAMPLE_STRETCHES = 16;
/**
 * Which weighted quantile of the stretches' predicted / sampled ratios gives the scale: a burst
 * lowers the ratio where it lies, a closed day raises it. Just above the median, the scale still
 * reads the usual stretches when bursts fill up to 60 % of the window, and errs towards a shorter
 * re-read, which costs less than another truncated one.
 */
const SCALE_QUANTILE = 0.6;
/** How far the level may move the profile: beyond it, the profile is wrong rather than scaled. */
const MAX_LEVEL = 16;

/** Records and observed seconds per bin of a periodic profile. */
class Profile {
  private readonly counts: Float64Array;
  private readonly exposure: Float64Array;

  constructor(readonly bins: number) {
    this.counts = new Float64Array(bins);
    this.exposure = new Float64Array(bins);
  }

  rate(hour: number): number | undefined {
    const bin = hour % this.bins;
    return this.exposure[bin]! >= MIN_EXPOSURE ? this.counts[bin]! / this.exposure[bin]! : undefined;
  }

  add(hour: number, records: number, seconds: number): void {
    const bin = hour % this.bins;
    this.counts[bin]! += records;
    this.exposure[bin]! += seconds;
  }
}

interface Observation {
  hour: number;
  records: number;
  seconds: number;
}

/**
 * A periodic profile whose bins keep every observation (one per wall-clock hour) and give the mean
 * rate of those not far above their median: a burst, even the first thing a bin sees, is dropped
 * once usual hours outnumber it.
 */
class TrimmedProfile {
  private readonly observations: Observation[][];
  private readonly rates: (number | undefined | null)[];

  constructor(readonly bins: number) {
    this.observations = Array.from({ length: bins }, () => []);
    this.rates = Array.from({ length: bins }, () => null);
  }

  rate(hour: number): number | undefined {
    const bin = hour % this.bins;
    const cached = this.rates[bin];
    if (cached !== null) return cached;
    const rate = this.trimmedRate(this.observations[bin]!);
    this.rates[bin] = rate;
    return rate;
  }

  private trimmedRate(seen: Observation[]): number | undefined {
    const exposure = seen.reduce((sum, observation) => sum + observation.seconds, 0);
    if (exposure < MIN_EXPOSURE) return undefined;
    const rateOf = (observation: Observation) => observation.records / observation.seconds;
    const byRate = [...seen].sort((a, b) => rateOf(a) - rateOf(b));
    let covered = 0;
    const median = byRate.find((observation) => (covered += observation.seconds) > exposure / 2)!;
    const ceiling = BURST_RATIO * rateOf(median) + BURST_SLACK / HOUR;
    let records = 0;
    let seconds = 0;
    for (const observation of seen) {
      if (rateOf(observation) > ceiling) continue;
      records += observation.records;
      seconds += observation.seconds;
    }
    return records / seconds;
  }

  add(hour: number, records: number, seconds: number): void {
    const bin = hour % this.bins;
    this.rates[bin] = null;
    const seen = this.observations[bin]!;
    const last = seen[seen.length - 1];
    if (last?.hour === hour) {
      last.records += records;
      last.seconds += seconds;
    } else seen.push({ hour, records, seconds });
  }
}

/** Expected records dated in [from, to] according to `predictor`, or undefined before anything was learnt. */
function expectedCount(predictor: HourOfWeekRate, from: LocalSeconds, to: LocalSeconds): number | undefined {
  let total = 0;
  for (let hour = Math.floor(from / HOUR); hour * HOUR <= to; hour += 1) {
    const rate = predictor.rateAt(hour);
    if (rate === undefined) return undefined;
    total += rate * (Math.min(to, hour * HOUR + HOUR - 1) - Math.max(from, hour * HOUR) + 1);
  }
  return total;
}

function clampAbs(value: number, limit: number): number {
  return Math.max(-limit, Math.min(limit, value));
}

/** log(actual / predicted); half a record keeps an empty window finite. */
function logError(predicted: number, actual: number): number {
  return Math.log((actual + 0.5) / (predicted + 0.5));
}

/**
 * Contact-centre traffic follows the hour of the day and the day of the week, and one window often
 * spans from a quiet night into a busy morning. This predictor keeps an hour-of-week profile
 * (falling back to hour-of-day, then to the overall rate, while a bin is unseen), scaled by a level
 * that follows how the latest windows compared with their prediction (growth, holidays).
 */
class HourOfWeekRate {
  private readonly week = new TrimmedProfile(HOURS_PER_WEEK);
  private readonly day = new TrimmedProfile(HOURS_PER_DAY);
  private readonly overall = new Profile(1);
  private logLevel = 0;
  /** Windows in a row mostly made of bursts. */
  private burstyWindows = 0;

  /** Expected records per second during the wall-clock hour `hour` (LocalSeconds / 3600). */
  rateAt(hour: number): number | undefined {
    const base = this.week.rate(hour) ?? this.day.rate(hour) ?? this.overall.rate(0);
    return base === undefined ? undefined : base * Math.exp(this.logLevel);
  }

  /**
   * Learns from a window read in full: `sortedDates` are its records dated inside [from, to].
   * Returns log(actual / predicted) for the prediction made before, undefined if there was none.
   */
  learn(from: LocalSeconds, to: LocalSeconds, sortedDates: ArrayLike<number>): number | undefined {
    const predicted = expectedCount(this, from, to);
    const hours: { hour: number; records: number; seconds: number; usual: number | undefined }[] = [];
    let index = 0;
    let burstSeconds = 0;
    for (let hour = Math.floor(from / HOUR); hour * HOUR <= to; hour += 1) {
      const end = Math.min(to, hour * HOUR + HOUR - 1);
      let records = 0;
      while (index < sortedDates.length && sortedDates[index]! <= end) {
        records += 1;
        index += 1;
      }
      const seconds = end - Math.max(from, hour * HOUR) + 1;
      const rate = this.week.rate(hour);
      const usual = rate === undefined ? undefined : rate * Math.exp(this.logLevel) * seconds;
      if (usual !== undefined && records > BURST_RATIO * usual + BURST_SLACK) burstSeconds += seconds;
      hours.push({ hour, records, seconds, usual });
    }
    // A burst far above what an hour of the week usually holds is not what later weeks hold; but
    // when window after window is mostly that far above, the profile is what is wrong: it learns.
    this.burstyWindows = burstSeconds > MAX_BURST_SHARE * (to - from + 1) ? this.burstyWindows + 1 : 0;
    const fewBursts = this.burstyWindows < PERSISTENT_BURSTS;
    let usualRecords = 0;
    for (const { hour, records, seconds, usual } of hours) {
      const kept =
        fewBursts && usual !== undefined && records > BURST_RATIO * usual + BURST_SLACK ? usual : records;
      usualRecords += kept;
      for (const profile of [this.week, this.day, this.overall]) profile.add(hour, kept, seconds);
    }
    if (predicted === undefined) return undefined;
    // Judged on usual traffic: a burst costs a truncated call whatever the prediction, and must not
    // shrink the windows after it. The level follows growth and holidays in bounded steps.
    const error = logError(predicted, usualRecords);
    this.logLevel = clampAbs(
      this.logLevel + SMOOTHING * Math.max(-MAX_LEVEL_FALL, Math.min(MAX_LEVEL_RISE, error)),
      Math.log(MAX_LEVEL),
    );
    return error;
  }
}

/**
 * The latest prediction errors. Their median, not their mean, sizes the margin: one burst says
 * little about how far off the next prediction will be.
 */
class RecentErrors {
  private readonly latest: number[] = [];

  add(logError: number): void {
    this.latest.push(Math.min(MAX_JUDGED_ERROR, Math.abs(logError)));
    if (this.latest.length > ERRORS_KEPT) this.latest.shift();
  }

  /** The standard deviation the median absolute error implies for normally distributed errors. */
  get typical(): number | undefined {
    if (this.latest.length === 0) return undefined;
    const sorted = [...this.latest].sort((a, b) => a - b);
    const middle = sorted.length >>> 1;
    const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    return median / MEDIAN_ABSOLUTE_DEVIATION;
  }
}

/**
 * Expected records per second at any wall-clock second, from the hour-of-week profile, and how far
 * off its recent predictions were.
 */
export class DensityModel {
  private readonly rate = new HourOfWeekRate();
  private readonly errors = new RecentErrors();

  /** Typical relative error of the latest predictions, as a standard deviation of log(actual/predicted). */
  get typicalError(): number | undefined {
    return this.errors.typical;
  }

  /** Records expected in [from, to]; undefined before anything was learnt. */
  expectedIn(from: LocalSeconds, to: LocalSeconds): number | undefined {
    return expectedCount(this.rate, from, to);
  }

  /**
   * The last second t >= from such that [from, t] is expected to hold at most `records` records,
   * no later than `limit`; undefined before anything was learnt.
   */
  secondsHolding(from: LocalSeconds, records: number, limit: LocalSeconds): LocalSeconds | undefined {
    let remaining = records;
    for (let hour = Math.floor(from / HOUR); hour * HOUR <= limit; hour += 1) {
      const rate = this.rate.rateAt(hour);
      if (rate === undefined) return undefined;
      const start = Math.max(from, hour * HOUR);
      const seconds = Math.min(limit, hour * HOUR + HOUR - 1) - start + 1;
      if (rate * seconds >= remaining) return Math.max(from, start + Math.floor(remaining / rate) - 1);
      remaining -= rate * seconds;
    }
    return limit;
  }

  /**
   * Records one date of a thinned sample stands for, as the predicted counts say: the median over
   * its stretches (weighted by prediction) of predicted / sampled, so that a burst in a few
   * stretches does not hide what the others show. undefined while nothing is predicted there.
   */
  scaleOf(sample: ThinnedSample): number | undefined {
    const stretch = Math.max(60, Math.ceil((sample.last - sample.first + 1) / SAMPLE_STRETCHES));
    const ratios: { ratio: number; weight: number }[] = [];
    let total = 0;
    for (let from = sample.first; from <= sample.last; from += stretch) {
      const to = Math.min(sample.last, from + stretch - 1);
      const predicted = expectedCount(this.rate, from, to);
      if (predicted === undefined) return undefined;
      ratios.push({ ratio: predicted / Math.max(0.5, sample.sampledIn(from, to)), weight: predicted });
      total += predicted;
    }
    if (total === 0) return undefined;
    ratios.sort((a, b) => a.ratio - b.ratio);
    let weight = 0;
    for (const { ratio, weight: share } of ratios) {
      weight += share;
      if (weight >= total * SCALE_QUANTILE) return ratio;
    }
    return undefined;
  }

  /** Learns from a window read in full: `sortedDates` are its records dated inside [from, to]. */
  learn(from: LocalSeconds, to: LocalSeconds, sortedDates: ArrayLike<number>): void {
    const error = this.rate.learn(from, to, sortedDates);
    if (error !== undefined) this.errors.add(error);
  }
}
