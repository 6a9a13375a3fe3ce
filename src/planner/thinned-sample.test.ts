import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test-support/fake-reports-client.js';
import { ThinnedSample } from './thinned-sample.js';

/** `count` records, one every `step` seconds from `start`. */
function evenly(start: number, count: number, step: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i * step);
}

/** A uniform sample of `size` of `dates` (sorted). */
function sampleOf(dates: number[], size: number, seed = 1): Float64Array {
  const random = seededRandom(seed);
  const pool = [...dates];
  for (let i = pool.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return Float64Array.from(pool.slice(0, size)).sort();
}

describe('ThinnedSample', () => {
  // 40,000 records over 40,000 s, 1 in 4 sampled.
  const all = evenly(0, 40_000, 1);
  const thinned = () => new ThinnedSample('uniform', 0, 39_999, sampleOf(all, 10_000));

  it('has no scale until a window read in full calibrates it', () => {
    const sample = thinned();
    expect(sample.scale).toBeUndefined();
    expect(sample.calibrate(0, 3_999, Float64Array.from(all.slice(0, 4_000)))).toBe(true);
    expect(sample.scale).toBeCloseTo(4, 0);
  });

  it('predicts the records of a later stretch within sampling noise', () => {
    const sample = thinned();
    sample.calibrate(0, 3_999, Float64Array.from(all.slice(0, 4_000)));
    const { to, expected } = sample.lastSecondHolding(4_000, 5_000, sample.scale!);
    expect(expected).toBeLessThanOrEqual(5_000);
    // One record a second: the stretch should span about 5,000 s.
    expect(Math.abs(to - 4_000 + 1 - 5_000)).toBeLessThan(5_000 * 4 * sample.relativeError(1_250));
  });

  it('says the API is not sampling uniformly when a calibrated prediction misses', () => {
    const sample = thinned();
    sample.calibrate(0, 3_999, Float64Array.from(all.slice(0, 4_000)));
    // The next stretch really holds twice what the sample shows.
    const doubled = Float64Array.from([...all.slice(4_000, 8_000), ...all.slice(4_000, 8_000)]).sort();
    expect(sample.calibrate(4_000, 7_999, doubled)).toBe(false);
  });

  it('ignores windows outside its span', () => {
    const sample = thinned();
    expect(sample.calibrate(50_000, 60_000, Float64Array.from([55_000]))).toBe(true);
    expect(sample.scale).toBeUndefined();
  });

  it('counts one record per date when exact, and ends a stretch before the date that would pass', () => {
    const exact = new ThinnedSample('exact', 100, 199, Float64Array.from(evenly(100, 100, 1)));
    expect(exact.scale).toBe(1);
    expect(exact.relativeError(10)).toBe(0);
    expect(exact.lastSecondHolding(100, 10, 1)).toEqual({ to: 109, expected: 10 });
    expect(exact.lastSecondHolding(150, 1_000, 1)).toEqual({ to: 199, expected: 50 });
  });
});
