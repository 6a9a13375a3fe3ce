import { describe, expect, it } from 'vitest';
import { DensityModel } from './density-model.js';

const HOUR = 3_600;
const DAY = 24 * HOUR;

/** `perHour` records in every hour of [from, to], evenly spread. */
function evenly(from: number, to: number, perHour: number): number[] {
  const step = HOUR / perHour;
  return Array.from({ length: Math.floor((to - from + 1) / step) }, (_, i) => from + Math.floor(i * step));
}

/** Learns [from, from + days) in one-day windows at `perHour`. */
function learnDays(model: DensityModel, from: number, days: number, perHour: number): void {
  for (let day = 0; day < days; day += 1) {
    const start = from + day * DAY;
    model.learn(start, start + DAY - 1, evenly(start, start + DAY - 1, perHour));
  }
}

describe('DensityModel', () => {
  it('predicts the rate it learnt, hour by hour', () => {
    const model = new DensityModel();
    learnDays(model, 0, 14, 100);
    expect(model.expectedIn(14 * DAY, 15 * DAY - 1)).toBeCloseTo(2_400, -1);
  });

  it('keeps a one-day burst out of the weeks after it', () => {
    const model = new DensityModel();
    learnDays(model, 0, 14, 100);
    learnDays(model, 14 * DAY, 1, 2_000);
    learnDays(model, 15 * DAY, 6, 100);
    // The burst's weekday, one week later: the usual 2,400, not a share of the burst.
    expect(model.expectedIn(21 * DAY, 22 * DAY - 1)).toBeLessThan(2_400 * 1.2);
  });

  it('follows traffic that triples and stays', () => {
    const model = new DensityModel();
    learnDays(model, 0, 7, 100);
    // Three times the traffic from then on (7,200 a day): a new normal, not a burst.
    learnDays(model, 7 * DAY, 7, 300);
    expect(model.expectedIn(14 * DAY, 15 * DAY - 1)).toBeGreaterThan(7_200 * 0.8);
    learnDays(model, 14 * DAY, 7, 300);
    const twoWeeksOn = model.expectedIn(21 * DAY, 22 * DAY - 1)!;
    expect(twoWeeksOn).toBeGreaterThan(7_200 * 0.8);
    expect(twoWeeksOn).toBeLessThan(7_200 * 1.2);
  });

  it('sizes an interval to hold a number of records', () => {
    const model = new DensityModel();
    learnDays(model, 0, 7, 100);
    const end = model.secondsHolding(7 * DAY, 1_000, 30 * DAY)!;
    expect(model.expectedIn(7 * DAY, end)).toBeLessThanOrEqual(1_000);
    expect(model.expectedIn(7 * DAY, end + 60)).toBeGreaterThan(1_000);
  });
});
