import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { FakeReportsClient } from '../../test-support/fake-reports-client.js';
import { multiset, runSync } from '../../test-support/run-sync.js';
import { syncConfig } from '../../test-support/sync-config.js';
import { transferRow } from '../../test-support/transfer-dataset.js';
import { formatLocal, SECONDS_PER_DAY } from '../time/local-time.js';
import { wallClockAt } from '../time/zone.js';

/** The first instant (epoch ms) after `fromMs` at which `zone`'s offset falls by an hour (DST ends). */
function fallBack(zone: string, fromMs: number): number {
  const tz = IANAZone.create(zone);
  for (let t = fromMs; t < fromMs + 400 * SECONDS_PER_DAY * 1000; t += 15 * 60_000) {
    if (tz.offset(t + 15 * 60_000) === tz.offset(t) - 60) return t + 15 * 60_000;
  }
  throw new Error(`no fall-back in ${zone}`);
}

const MINUTE = 60_000;

describe('syncStream across a DST fall-back (the repeated hour happens twice)', () => {
  it.each([
    ['America/New_York', Date.UTC(2026, 5, 1)],
    ['America/Santiago', Date.UTC(2026, 0, 1)],
    ['America/Mexico_City', Date.UTC(2022, 5, 1)],
  ])(
    '%s: a sync during the first pass and one after lose nothing of the second pass',
    async (zone, searchFrom) => {
      const change = fallBack(zone, searchFrom);
      const row = (instant: number, conn: string) => transferRow(wallClockAt(zone, instant), { conn });
      const firstPass = [-50, -40, -35, -31].map((m, i) => row(change + m * MINUTE, `first-${i}`));
      const client = new FakeReportsClient(firstPass, { cap: 100 });
      const config = syncConfig({
        timezone: zone,
        startDate: wallClockAt(zone, change - 3 * 3_600_000),
        endDate: undefined,
      });
      const during = await runSync(client, config, { now: change - 30 * MINUTE });
      expect(during.output.delivered).toHaveLength(4);
      // Read while only the first pass had happened: the earlier (daylight) offset.
      for (const record of during.output.delivered) {
        const instant = Date.parse(record.transferred_at as string);
        expect(instant).toBeLessThan(change);
      }
      // The second pass: wall clocks the first pass already showed, some before the first sync's cursor.
      const secondPass = [5, 15, 25, 40, 55].map((m, i) => row(change + m * MINUTE, `second-${i}`));
      expect(Math.min(...secondPass.map((r) => r.second))).toBeLessThan(
        Math.max(...firstPass.map((r) => r.second)),
      );
      client.add(secondPass);
      const after = await runSync(client, config, {
        now: change + 90 * MINUTE,
        state: during.summary.finalState,
      });
      expect(after.output.delivered.map((r) => r.conn_id).sort()).toEqual(
        secondPass.map((r) => r.raw.conn_id).sort(),
      );
      // Read after the second pass began: the later (standard) offset, so both passes keep their true order.
      for (const record of after.output.delivered) {
        expect(Date.parse(record.transferred_at as string)).toBeGreaterThanOrEqual(change);
      }
      const again = await runSync(client, config, {
        now: change + 3 * 3_600_000,
        state: after.summary.finalState,
      });
      expect(multiset(again.output.delivered)).toEqual([]);
      expect(formatLocal(wallClockAt(zone, change))).toMatch(/:00:00$/);
    },
  );
});
