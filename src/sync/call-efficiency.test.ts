import { describe, expect, it } from 'vitest';
import { FakeReportsClient, type ResponseOrder } from '../../test-support/fake-reports-client.js';
import { runSync } from '../../test-support/run-sync.js';
import { syncConfig } from '../../test-support/sync-config.js';
import { generateDataset } from '../simulator/dataset.js';
import { parseLocal } from '../time/local-time.js';
import type { RawRecord } from '../wolkvox/types.js';
import { minimumCalls } from './minimum-calls.js';
import { maxWindowSeconds } from './read-stream.js';

/**
 * API calls on realistic data (business-hours curve, weekdays busier than weekends), scaled down
 * five-fold so it runs in seconds: 1,000 transfers a day against a 12,000 cap gives the same
 * 12-day windows as 5,000 a day against the real 60,000. Measured (calls / minimum):
 * steady 1.20 ascending, 1.40 random order; with 10% closed days 1.57 ascending, 1.64 random.
 * The first truncated call or two are the price of not knowing the density in advance; each
 * later miss of the density costs one call, which is why random order and irregular days cost more.
 */
const FROM = parseLocal('2026-01-01')!;
const TO = parseLocal('2026-06-29 23:59:59')!;
const CAP = 12_000;

async function callsAndMinimum(quietDayRate: number, order: ResponseOrder) {
  const data = generateDataset({ seed: 3, from: FROM, to: TO, transfersPerDay: 1_000, quietDayRate });
  const rows = data
    .records()
    .map((raw, index) => ({ raw: raw as unknown as RawRecord, second: data.secondAt(index) }));
  const client = new FakeReportsClient(rows, { cap: CAP, order });
  const { summary } = await runSync(
    client,
    syncConfig({ startDate: FROM, endDate: TO, recordsPerCallLimit: CAP }),
  );
  expect(summary.records).toBe(rows.length);
  const minimum = minimumCalls(
    rows.map((row) => row.second),
    { from: FROM, to: TO },
    CAP,
    maxWindowSeconds(31),
  );
  return { calls: client.callsMade, minimum };
}

describe('API calls against the minimum any planner could achieve', () => {
  it('steady traffic, ascending responses: within 1.25x the minimum plus the discovery of density', async () => {
    const { calls, minimum } = await callsAndMinimum(0, 'ascending');
    expect(calls).toBeLessThanOrEqual(1.25 * minimum + 2);
  });

  it('steady traffic, random responses: within 1.5x the minimum plus discovery', async () => {
    const { calls, minimum } = await callsAndMinimum(0, { randomSeed: 5 });
    expect(calls).toBeLessThanOrEqual(1.5 * minimum + 2);
  });

  it('irregular traffic (10% closed days): within 1.7x the minimum plus discovery', async () => {
    for (const order of ['ascending', { randomSeed: 5 }] as const) {
      const { calls, minimum } = await callsAndMinimum(0.1, order);
      expect(calls).toBeLessThanOrEqual(1.7 * minimum + 2);
    }
  });
});
