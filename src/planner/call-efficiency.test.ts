import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeReportsClient, type ResponseOrder } from '../../test-support/fake-reports-client.js';
import { replayPlanner } from '../../test-support/planner-replay.js';
import { runSync } from '../../test-support/run-sync.js';
import { at, syncConfig } from '../../test-support/sync-config.js';
import { minimumCalls } from '../demo/minimum-calls.js';
import { generateDataset, type DatasetOptions } from '../simulator/dataset.js';
import { BURST_DAY_TRANSFERS, BURST_HOUR_TRANSFERS, presetOptions } from '../simulator/presets.js';
import { SECONDS_PER_DAY } from '../time/local-time.js';
import type { RawRecord } from '../wolkvox/types.js';
import { maxWindowSeconds } from '../sync/read-stream.js';

/**
 * API calls against the fewest any planner could make knowing every date in advance
 * (minimumCalls), on generated contact-centre traffic (business hours, quiet weekends, days
 * 15 % apart) at the real scale: 60,000 records per call, 182 days. The planner is replayed
 * without HTTP or records (test-support/planner-replay.ts), which the first test shows makes
 * exactly the engine's calls.
 *
 * Every sync pays for discovery (DISCOVERY: the first 31-day window is blind and truncates) and
 * every surprise that no history predicts (a burst, a jump in volume) costs a truncated call or
 * two. Measured calls / minimum (seed 7), ascending · descending · unordered bodies:
 * steady 19 · 18 · 19 / 16; 20,000 a day 78 · 78 · 80 / 62; one day in ten closed 21 · 19 · 19 / 15;
 * two bursts over the cap 25 · 25 · 23 / 18; volume tripling mid-range 28 · 26 · 29 / 19.
 * Seeds 8 and 9 land within four calls of these (closed days: up to 25 / 14).
 */
const FROM = at('2026-01-01 00:00:00');
const DAYS = 182;
const TO = FROM + DAYS * SECONDS_PER_DAY - 1;
const CAP = 60_000;
const MAX_WINDOW = maxWindowSeconds(31);
const DISCOVERY = 2;
/** Extra calls allowed per unpredictable event in the data. */
const PER_SURPRISE = 3;

const ORDERS: { name: string; order: ResponseOrder }[] = [
  { name: 'ascending', order: 'ascending' },
  { name: 'descending', order: 'descending' },
  { name: 'unordered', order: { randomSeed: 5 } },
];

interface TrafficCase {
  name: string;
  options: DatasetOptions;
  /** Allowed calls per minimum call. */
  factor: number;
  surprises: number;
}

const range = { seed: 7, from: FROM, to: TO };
const TRAFFIC: TrafficCase[] = [
  { name: 'steady, 5,000 a day', options: presetOptions('steady', range), factor: 1.25, surprises: 0 },
  {
    name: 'dense, 20,000 a day (3-day windows)',
    options: { ...range, transfersPerDay: 20_000 },
    factor: 1.35,
    surprises: 0,
  },
  {
    name: 'one day in ten closed',
    options: { ...range, transfersPerDay: 5_000, quietDayRate: 0.1 },
    factor: 1.5,
    surprises: 0,
  },
  {
    name: `bursts of ${BURST_DAY_TRANSFERS} in a day and ${BURST_HOUR_TRANSFERS} in an hour`,
    options: presetOptions('bursty', range),
    factor: 1.25,
    surprises: 2,
  },
  {
    name: 'volume tripling mid-range',
    options: {
      ...range,
      transfersPerDay: 3_000,
      bursts: [{ start: FROM + 90 * SECONDS_PER_DAY, seconds: 92 * SECONDS_PER_DAY, count: 6_000 * 92 }],
    },
    factor: 1.25,
    surprises: 2,
  },
];

function datesOf(options: DatasetOptions): Float64Array {
  const data = generateDataset(options);
  return Float64Array.from({ length: data.size }, (_, index) => data.secondAt(index));
}

describe('API calls against the minimum any planner could achieve', () => {
  it('replays exactly the calls the engine makes', async () => {
    const from = at('2026-03-01 00:00:00');
    const to = from + 60 * SECONDS_PER_DAY - 1;
    const data = generateDataset({ seed: 3, from, to, transfersPerDay: 1_000, quietDayRate: 0.1 });
    const rows = data
      .records()
      .map((raw, index) => ({ raw: raw as unknown as RawRecord, second: data.secondAt(index) }));
    const dates = Float64Array.from(rows, (row) => row.second);
    for (const { order } of ORDERS) {
      const client = new FakeReportsClient(rows, { cap: 4_000, order });
      const config = syncConfig({ startDate: from, endDate: to, recordsPerCallLimit: 4_000 });
      const { summary } = await runSync(client, config);
      expect(summary.records).toBe(rows.length);
      const replayed = replayPlanner({
        sortedDates: dates,
        range: { from, to },
        cap: 4_000,
        maxWindowSeconds: maxWindowSeconds(31),
        order,
      });
      expect(client.requests).toEqual(
        replayed.map(({ window }) => ({ report: 'chat_9', from: window.from - 1, to: window.to + 1 })),
      );
    }
  });

  for (const traffic of TRAFFIC) {
    it(`${traffic.name}: within ${traffic.factor}x the minimum`, () => {
      const dates = datesOf(traffic.options);
      const minimum = minimumCalls(Array.from(dates), { from: FROM, to: TO }, CAP, MAX_WINDOW);
      const allowed = traffic.factor * minimum + DISCOVERY + PER_SURPRISE * traffic.surprises;
      for (const { name, order } of ORDERS) {
        const calls = replayPlanner({
          sortedDates: dates,
          range: { from: FROM, to: TO },
          cap: CAP,
          maxWindowSeconds: MAX_WINDOW,
          order,
        }).length;
        expect(calls, `${name} bodies: ${calls} calls, minimum ${minimum}`).toBeLessThanOrEqual(allowed);
      }
    });
  }

  it('never runs away on generated traffic: densities, closed days, bursts, window limits, orders', () => {
    const trafficArbitrary = fc.record({
      seed: fc.integer(),
      days: fc.integer({ min: 45, max: 120 }),
      cap: fc.constantFrom(6_000, 12_000),
      /** Transfers a day per record of the cap: 1/24 (windows of 24 days) to 1/2 (2 days). */
      density: fc.double({ min: 1 / 24, max: 1 / 2, noNaN: true }),
      quietDayRate: fc.constantFrom(0, 0, 0.05, 0.1),
      maxWindowDays: fc.constantFrom(31, 31, 14, 7),
      bursts: fc.array(
        fc.record({
          /** Share of the way from day 31 to the end: after the first (blind, 31-day) window. */
          at: fc.double({ min: 0, max: 1, noNaN: true }),
          hours: fc.integer({ min: 1, max: 24 }),
          caps: fc.double({ min: 0.5, max: 3, noNaN: true }),
        }),
        { maxLength: 2 },
      ),
      order: fc.constantFrom<ResponseOrder>('ascending', 'descending', { randomSeed: 9 }),
    });
    fc.assert(
      fc.property(trafficArbitrary, (traffic) => {
        const to = FROM + traffic.days * SECONDS_PER_DAY - 1;
        const dates = datesOf({
          seed: traffic.seed,
          from: FROM,
          to,
          transfersPerDay: Math.round(traffic.density * traffic.cap),
          quietDayRate: traffic.quietDayRate,
          bursts: traffic.bursts.map((burst) => ({
            start: FROM + (31 + Math.floor(burst.at * (traffic.days - 32))) * SECONDS_PER_DAY + 8 * 3_600,
            seconds: burst.hours * 3_600,
            count: Math.round(burst.caps * traffic.cap),
          })),
        });
        const maxWindow = maxWindowSeconds(traffic.maxWindowDays);
        const range = { from: FROM, to };
        const minimum = minimumCalls(Array.from(dates), range, traffic.cap, maxWindow);
        const calls = replayPlanner({
          sortedDates: dates,
          range,
          cap: traffic.cap,
          maxWindowSeconds: maxWindow,
          order: traffic.order,
        }).length;
        // Mostly 1.2x to 1.5x; small minimums with a burst and closed days reach 2x plus a few calls.
        // A planner stuck in a loop of truncated calls (each window read twice) would exceed it.
        // Bursts start after the first window: one inside the first window read is learnt as usual
        // traffic (nothing seen yet tells it apart) and can cost many more calls.
        expect(calls).toBeLessThanOrEqual(2 * minimum + DISCOVERY + 5 * traffic.bursts.length);
      }),
      // A fixed seed: chance moves call counts; correctness is checked with random seeds elsewhere.
      { numRuns: 20, seed: Number(process.env.CALLS_SEED ?? 20_261_123) },
    );
  });
});
