import { describe, expect, it } from 'vitest';
import { WindowPlanner, type ResponseSample } from './window-planner.js';

const DAY = 86_400;
const MAX = 31 * DAY - 2;

function sample(dates: number[], bodyAscending = true, rawCount = dates.length): ResponseSample {
  return { rawCount, sortedDates: Float64Array.from(dates).sort(), bodyAscending };
}

function planner(end = 100 * DAY, cap = 100): WindowPlanner {
  return new WindowPlanner({ end, cap, maxWindowSeconds: MAX });
}

describe('WindowPlanner', () => {
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

  it('shrinks a density-sized window that overshot a little, and halves on a second truncation', () => {
    const plan = planner(100 * DAY, 100);
    const first = { from: 0, to: DAY - 1 };
    // One record every 1,728 s: 50 a day, so a window of about 1.9 days aims at the cap.
    plan.completed(
      first,
      sample(
        Array.from({ length: 50 }, (_, i) => i * 1_728),
        false,
      ),
    );
    const sized = plan.windowFrom(DAY);
    expect(sized.to).toBeLessThan(DAY + MAX - 1);
    const shuffled = Array.from({ length: 100 }, (_, i) => sized.to - i * 97);
    plan.truncated(sized, sample(shuffled, false));
    const retry = plan.windowFrom(DAY);
    const length = sized.to - sized.from + 1;
    expect(retry.to - retry.from + 1).toBe(Math.floor(length * 0.87));
    plan.truncated(
      retry,
      sample(
        shuffled.map((date) => date - length),
        false,
      ),
    );
    expect(plan.windowFrom(DAY).to - DAY + 1).toBeLessThanOrEqual(
      Math.floor((retry.to - retry.from + 1) / 2),
    );
  });

  it('halves a truncated window whose body is not in date order', () => {
    const plan = planner();
    const window = { from: 0, to: 999 };
    const dates = Array.from({ length: 100 }, (_, i) => 999 - i);
    plan.truncated(window, sample(dates, false));
    expect(plan.windowFrom(0)).toEqual({ from: 0, to: 499 });
  });

  it('splits at the sample median when most records are early', () => {
    const plan = planner();
    const dates = Array.from({ length: 100 }, (_, i) => (i < 90 ? i : 900 + i));
    plan.truncated({ from: 0, to: 999 }, sample(dates, false));
    expect(plan.windowFrom(0).to).toBe(49);
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
