import { describe, expect, it } from 'vitest';
import { AdaptiveWindowPlanner, type BodyOrder, type ResponseSample } from './window-planner.js';

const DAY = 86_400;
const MAX = 31 * DAY - 2;

function sample(dates: number[], bodyOrder: BodyOrder = 'ascending'): ResponseSample {
  return { sortedDates: Float64Array.from(dates).sort(), bodyOrder };
}

function planner(end = 100 * DAY, cap = 100): AdaptiveWindowPlanner {
  return new AdaptiveWindowPlanner({ end, cap, maxWindowSeconds: MAX });
}

describe('AdaptiveWindowPlanner', () => {
  it('starts with the longest window, clamped to the end of the range', () => {
    expect(planner().windowFrom(0)).toEqual({ from: 0, to: MAX - 1 });
    expect(planner(10 * DAY).windowFrom(5 * DAY)).toEqual({ from: 5 * DAY, to: 10 * DAY });
  });

  it('keeps the target under the cap with room for chance', () => {
    expect(planner(DAY, 60_000).target).toBe(0.97 * 60_000);
    expect(planner(DAY, 100).target).toBeGreaterThan(85);
    expect(planner(DAY, 100).target).toBeLessThan(99);
    expect(planner(DAY, 2).target).toBe(1);
  });

  it('re-reads a truncated prefix up to where its dates stay under the cap', () => {
    const plan = planner();
    const window = plan.windowFrom(0);
    // 100 records, one per 10 s from second 0: the body is the first 100 records by date.
    const dates = Array.from({ length: 100 }, (_, i) => i * 10);
    plan.truncated(window, sample(dates));
    const next = plan.windowFrom(0);
    expect(next.from).toBe(0);
    // [0, s] requests [-1, s + 1], which must hold fewer than 100 records, all of them known.
    const requested = dates.filter((date) => date <= next.to + 1).length;
    expect(requested).toBeLessThan(100);
    expect(requested).toBeGreaterThanOrEqual(98);
  });

  it('shrinks an overshot density-sized window by 13 % when the body shows no dates, then halves', () => {
    const plan = planner(100 * DAY, 100);
    // One record every 1,728 s: 50 a day, so a window of about 1.9 days aims at the cap.
    plan.completed({ from: 0, to: DAY - 1 }, sample(Array.from({ length: 50 }, (_, i) => i * 1_728)));
    const sized = plan.windowFrom(DAY);
    expect(sized.to).toBeLessThan(DAY + MAX - 1);
    plan.truncated(sized, sample([], 'unordered'));
    const retry = plan.windowFrom(DAY);
    const length = sized.to - sized.from + 1;
    expect(retry.to - retry.from + 1).toBe(Math.floor(length * 0.87));
    plan.truncated(retry, sample([], 'unordered'));
    expect(plan.windowFrom(DAY).to - DAY + 1).toBe(Math.floor((retry.to - retry.from + 1) / 2));
  });

  it('re-reads before a descending body, sized by the density its dates show, then sizes from them', () => {
    const plan = planner();
    // The last 100 records by date, one every 100 s: every record after second 90,099 is known.
    const dates = Array.from({ length: 100 }, (_, i) => 99_999 - i * 100);
    plan.truncated({ from: 0, to: 99_999 }, sample(dates, 'descending'));
    const reread = plan.windowFrom(0);
    // About 90 records' worth at that density, and never up to the first date.
    expect(reread.to).toBeGreaterThan(7_000);
    expect(reread.to).toBeLessThan(9_900);
    plan.completed(reread, sample([]));
    // After the first date the records are known: the window holds as many as the target allows.
    const known = plan.windowFrom(90_100);
    const held = dates.filter((date) => date >= known.from && date <= known.to + 1).length;
    expect(held).toBeLessThanOrEqual(plan.target);
    expect(held).toBeGreaterThan(plan.target - 2);
  });

  it('cuts a density-sized window that met a burst where an unordered body says the cap is reached', () => {
    const cap = 1_000;
    const plan = planner(100 * DAY, cap);
    // Ten days of 100 records a day, evenly spread.
    const steady = (from: number, to: number) =>
      Array.from({ length: Math.ceil((to - from + 1) / 864) }, (_, i) => from + i * 864);
    for (let day = 0; day < 10; day += 1) {
      const window = { from: day * DAY, to: day * DAY + DAY - 1 };
      plan.completed(window, sample(steady(window.from, window.to)));
    }
    const sized = plan.windowFrom(10 * DAY);
    // The window holds some 970 usual records, and 3,000 more on its sixth day.
    const burstDay = sized.from + 5 * DAY;
    const records = [
      ...steady(sized.from - 1, sized.to + 1),
      ...Array.from({ length: 3_000 }, (_, i) => burstDay + Math.floor((i * DAY) / 3_000)),
    ].sort((a, b) => a - b);
    const body = records.filter((_, i) => i % 4 === 0).slice(0, cap);
    plan.truncated(sized, sample(body, 'unordered'));
    const retry = plan.windowFrom(sized.from);
    const held = records.filter((date) => date >= retry.from - 1 && date <= retry.to + 1).length;
    expect(retry.to).toBeGreaterThan(burstDay);
    expect(held).toBeLessThan(cap);
    expect(held).toBeGreaterThan(0.75 * cap);
  });

  it('keeps the first quarter of the dates of an unordered body after a blind truncation', () => {
    const plan = planner();
    const dates = Array.from({ length: 100 }, (_, i) => (i < 90 ? i : 900 + i));
    plan.truncated({ from: 0, to: 999 }, sample(dates, 'unordered'));
    expect(plan.windowFrom(0).to).toBe(24);
  });

  it('stops trusting sorted bodies once a re-read planned from one truncates', () => {
    const plan = planner();
    const dates = Array.from({ length: 100 }, (_, i) => i * 10);
    plan.truncated({ from: 0, to: 9_999 }, sample(dates));
    const reread = plan.windowFrom(0);
    // The API sorted a subset, not the first records: the re-read truncates too.
    plan.truncated(reread, sample(dates.filter((date) => date <= reread.to + 1).concat([0, 0, 0])));
    expect(plan.windowFrom(0).to).toBeLessThanOrEqual(Math.floor((reread.to + 1) / 2) - 1);
  });

  it('sizes windows after a complete one to its density', () => {
    const plan = planner();
    // 50 records in the first hour: about 0.0139 per second.
    const dates = Array.from({ length: 50 }, (_, i) => i * 72);
    plan.completed({ from: 0, to: 3_599 }, sample(dates));
    const next = plan.windowFrom(3_600);
    const expectedRecords = ((next.to - next.from + 1) * 50) / 3_600;
    expect(expectedRecords).toBeGreaterThan(0.7 * 100);
    expect(expectedRecords).toBeLessThan(100);
  });

  it('grows back to the longest window after an empty one', () => {
    const plan = planner();
    plan.completed({ from: 0, to: 3_599 }, sample([]));
    expect(plan.windowFrom(3_600)).toEqual({ from: 3_600, to: 3_600 + MAX - 1 });
  });
});
