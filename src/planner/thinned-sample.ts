import type { LocalSeconds } from '../time/local-time.js';
import { countUpTo } from './sorted-dates.js';

/** Chance deviations (in standard deviations) a calibrated sample's prediction may miss by. */
const CONSISTENCY_LIMIT = 4;
/** Relative miss tolerated on top of chance: records added while the sync runs, rounding. */
const CONSISTENCY_SLACK = 0.05;

/**
 * What a truncated response showed of where the records of a span lie:
 * - `uniform`: an unordered body, taken as a uniform sample of the records the request matched
 *   (each had the same chance to be in the body). How many records one sampled date stands for is
 *   unknown until a window read in full inside the span says so; from then on it predicts counts
 *   there (a burst's shape included) within sampling noise.
 * - `exact`: the records of a span a sorted body holds in full (a descending body's latest dates).
 * A prediction that misses by far more than its noise proves the API does not answer that way.
 */
export class ThinnedSample {
  private records = 0;
  private samples = 0;

  /**
   * @param first first second the dates cover
   * @param last last second the dates cover
   * @param sortedDates the body's dates in [first, last], ascending
   */
  constructor(
    readonly kind: 'uniform' | 'exact',
    readonly first: LocalSeconds,
    readonly last: LocalSeconds,
    private readonly sortedDates: Float64Array,
  ) {}

  /** Sampled dates in [from, to] (there are none outside the span). */
  sampledIn(from: LocalSeconds, to: LocalSeconds): number {
    if (to < from) return 0;
    return countUpTo(this.sortedDates, to) - countUpTo(this.sortedDates, from - 1);
  }

  /** The dates at or after `second`. */
  datesFrom(second: LocalSeconds): Float64Array {
    return this.sortedDates.subarray(countUpTo(this.sortedDates, second - 1));
  }

  /** Records one sampled date stands for, once calibrated. */
  get scale(): number | undefined {
    if (this.kind === 'exact') return 1;
    return this.samples > 0 ? this.records / this.samples : undefined;
  }

  /** Relative standard error of a prediction from `sampled` dates (sampling noise and calibration). */
  relativeError(sampled: number): number {
    if (this.kind === 'exact') return 0;
    return Math.sqrt(1 / Math.max(1, sampled) + 1 / Math.max(1, this.samples));
  }

  /**
   * Calibrates with a request read in full: `first`..`last` and the dates it returned (sorted).
   * Returns false when the sample had predicted that part far off: it is not uniform.
   */
  calibrate(first: LocalSeconds, last: LocalSeconds, sortedDates: ArrayLike<number>): boolean {
    const from = Math.max(first, this.first);
    const to = Math.min(last, this.last);
    if (to < from) return true;
    const sampled = this.sampledIn(from, to);
    const actual = countUpTo(sortedDates, to) - countUpTo(sortedDates, from - 1);
    const scale = this.scale;
    if (scale !== undefined) {
      const miss = Math.abs(Math.log((actual + 0.5) / (sampled * scale + 0.5)));
      if (miss > CONSISTENCY_LIMIT * this.relativeError(sampled) + CONSISTENCY_SLACK) return false;
    }
    if (this.kind === 'uniform') {
      this.records += actual;
      this.samples += sampled;
    }
    return true;
  }

  /**
   * The last second t in [from, last] such that [from, t] is expected to hold at most `records`
   * records at `scale` per sampled date, and the records expected in [from, t].
   */
  lastSecondHolding(
    from: LocalSeconds,
    records: number,
    scale: number,
  ): { to: LocalSeconds; expected: number } {
    const before = countUpTo(this.sortedDates, from - 1);
    const allowed = Math.floor(records / scale);
    const total = countUpTo(this.sortedDates, this.last) - before;
    if (allowed >= total) return { to: this.last, expected: total * scale };
    // The (allowed + 1)-th date after `from` must stay out: end the second before it.
    const to = Math.max(from, this.sortedDates[before + allowed]! - 1);
    return { to, expected: this.sampledIn(from, to) * scale };
  }
}
