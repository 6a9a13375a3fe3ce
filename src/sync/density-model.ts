import type { LocalSeconds } from '../time/local-time.js';

const HOUR = 3600;
const HOURS_PER_DAY = 24;
const HOURS_PER_WEEK = 168;
/** Seconds a profile bin must have been observed before its rate is believed. */
const MIN_EXPOSURE = HOUR;
/** Weight of the newest window in the level and error averages. */
const SMOOTHING = 0.5;
/** Largest log error one window adds to a predictor's error average. */
const MAX_COUNTED_ERROR = 0.3;
/** How far the level may move the profile: beyond it, the profile is wrong rather than scaled. */
const MAX_LEVEL = 16;

/** Records and observed seconds per bin of a periodic profile. */
class Profile {
  readonly counts: Float64Array;
  readonly exposure: Float64Array;

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

/** Predicts records per second per wall-clock hour from windows read in full. */
interface RatePredictor {
  /** Expected records per second during the wall-clock hour `hour` (LocalSeconds / 3600). */
  rateAt(hour: number): number | undefined;
  /** Learns from a window read in full: `sortedDates` are its records dated inside [from, to]. */
  learn(from: LocalSeconds, to: LocalSeconds, sortedDates: ArrayLike<number>): void;
}

/** Expected records dated in [from, to] according to `predictor`, or undefined before anything was learnt. */
function expectedCount(predictor: RatePredictor, from: LocalSeconds, to: LocalSeconds): number | undefined {
  let total = 0;
  for (let hour = Math.floor(from / HOUR); hour * HOUR <= to; hour += 1) {
    const rate = predictor.rateAt(hour);
    if (rate === undefined) return undefined;
    total += rate * (Math.min(to, hour * HOUR + HOUR - 1) - Math.max(from, hour * HOUR) + 1);
  }
  return total;
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
class PeriodicRate implements RatePredictor {
  private readonly week = new Profile(HOURS_PER_WEEK);
  private readonly day = new Profile(HOURS_PER_DAY);
  private readonly overall = new Profile(1);
  private logLevel = 0;

  rateAt(hour: number): number | undefined {
    const base = this.week.rate(hour) ?? this.day.rate(hour) ?? this.overall.rate(0);
    return base === undefined ? undefined : base * Math.exp(this.logLevel);
  }

  learn(from: LocalSeconds, to: LocalSeconds, sortedDates: ArrayLike<number>): void {
    const predicted = expectedCount(this, from, to);
    if (predicted !== undefined) {
      // One burst moves the level by a bounded step, or it would shrink windows for weeks after.
      const error = Math.max(
        -MAX_COUNTED_ERROR,
        Math.min(MAX_COUNTED_ERROR, logError(predicted, sortedDates.length)),
      );
      const moved = this.logLevel + SMOOTHING * error;
      this.logLevel = Math.max(-Math.log(MAX_LEVEL), Math.min(Math.log(MAX_LEVEL), moved));
    }
    let index = 0;
    for (let hour = Math.floor(from / HOUR); hour * HOUR <= to; hour += 1) {
      const end = Math.min(to, hour * HOUR + HOUR - 1);
      let records = 0;
      while (index < sortedDates.length && sortedDates[index]! <= end) {
        records += 1;
        index += 1;
      }
      const seconds = end - Math.max(from, hour * HOUR) + 1;
      for (const profile of [this.week, this.day, this.overall]) profile.add(hour, records, seconds);
    }
  }
}

/**
 * The rate of the latest window read in full, or of its later half (by records) when higher, so
 * that a rise inside a window already shrinks the next one. Irregular bursts fool a profile, not this.
 */
class RecentRate implements RatePredictor {
  private rate: number | undefined;

  rateAt(): number | undefined {
    return this.rate;
  }

  learn(from: LocalSeconds, to: LocalSeconds, sortedDates: ArrayLike<number>): void {
    const overall = sortedDates.length / (to - from + 1);
    const half = sortedDates.length >>> 1;
    const tail = sortedDates.length >= 8 ? (sortedDates.length - half) / (to - sortedDates[half]! + 1) : 0;
    this.rate = Math.max(overall, tail);
  }
}

/**
 * Expected records per second at any wall-clock second, from the predictor whose recent
 * predictions were closer (periodic traffic favours the profile, irregular bursts the latest rate).
 */
export class DensityModel {
  private readonly predictors: { predictor: RatePredictor; squaredLogError: number | undefined }[] = [
    { predictor: new PeriodicRate(), squaredLogError: undefined },
    { predictor: new RecentRate(), squaredLogError: undefined },
  ];

  private best() {
    return this.predictors.reduce((best, entry) =>
      (entry.squaredLogError ?? Infinity) < (best.squaredLogError ?? Infinity) ? entry : best,
    );
  }

  /** Typical relative error of the chosen predictor (root mean square of log(actual/predicted)). */
  get typicalError(): number | undefined {
    const error = this.best().squaredLogError;
    return error === undefined ? undefined : Math.sqrt(error);
  }

  /**
   * The last second t >= from such that [from, t] is expected to hold at most `records` records,
   * no later than `limit`; undefined before anything was learnt.
   */
  secondsHolding(from: LocalSeconds, records: number, limit: LocalSeconds): LocalSeconds | undefined {
    const { predictor } = this.best();
    let remaining = records;
    for (let hour = Math.floor(from / HOUR); hour * HOUR <= limit; hour += 1) {
      const rate = predictor.rateAt(hour);
      if (rate === undefined) return undefined;
      const start = Math.max(from, hour * HOUR);
      const seconds = Math.min(limit, hour * HOUR + HOUR - 1) - start + 1;
      if (rate * seconds >= remaining) return Math.max(from, start + Math.floor(remaining / rate) - 1);
      remaining -= rate * seconds;
    }
    return limit;
  }

  /** Learns from a window read in full: `sortedDates` are its records dated inside [from, to]. */
  learn(from: LocalSeconds, to: LocalSeconds, sortedDates: ArrayLike<number>): void {
    for (const entry of this.predictors) {
      const predicted = expectedCount(entry.predictor, from, to);
      if (predicted !== undefined) {
        // Clamped: one burst says little about how far off the next prediction will be.
        const error = Math.min(MAX_COUNTED_ERROR, Math.abs(logError(predicted, sortedDates.length))) ** 2;
        entry.squaredLogError =
          entry.squaredLogError === undefined
            ? error
            : (1 - SMOOTHING) * entry.squaredLogError + SMOOTHING * error;
      }
      entry.predictor.learn(from, to, sortedDates);
    }
  }
}
