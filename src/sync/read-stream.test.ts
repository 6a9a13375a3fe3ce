import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeReportsClient, type FakeRow } from '../../test-support/fake-reports-client.js';
import { RecordingOutput } from '../../test-support/recording-output.js';
import { expectedRecords, LATER, multiset, runSync } from '../../test-support/run-sync.js';
import { at, syncConfig } from '../../test-support/sync-config.js';
import { syncCaseArbitrary, transferRow, type SyncCase } from '../../test-support/transfer-dataset.js';
import { ConfigError } from '../errors/index.js';
import { formatLocal } from '../time/local-time.js';

function clientFor(
  syncCase: SyncCase,
  options: Partial<ConstructorParameters<typeof FakeReportsClient>[1]> = {},
) {
  return new FakeReportsClient(syncCase.rows, {
    cap: syncCase.cap,
    maxRangeDays: syncCase.maxWindowDays,
    ...options,
  });
}

function configFor(syncCase: SyncCase, overrides: Parameters<typeof syncConfig>[0] = {}) {
  return syncConfig({
    startDate: syncCase.startDate,
    endDate: syncCase.endDate,
    recordsPerCallLimit: syncCase.cap,
    maxWindowDays: syncCase.maxWindowDays,
    ...overrides,
  });
}

const expectedOf = (syncCase: SyncCase) =>
  expectedRecords(syncCase.rows, syncCase.startDate, syncCase.endDate);

/** One conversation per minute from 2026-01-01 00:00:00 for `minutes` minutes. */
function steadyRows(minutes: number): FakeRow[] {
  return Array.from({ length: minutes }, (_, i) =>
    transferRow(at('2026-01-01 00:00:00') + i * 60, { conn: `c${i}` }),
  );
}

describe('syncStream: resuming', () => {
  it('resumes from any state as if the sync had crashed there: nothing lost, nothing repeated', async () => {
    await fc.assert(
      fc.asyncProperty(syncCaseArbitrary, fc.nat(), async (syncCase, pick) => {
        const first = await runSync(clientFor(syncCase), configFor(syncCase));
        const states = first.output.states;
        const k = pick % states.length;
        const second = await runSync(clientFor(syncCase), configFor(syncCase), { state: states[k]!.state });
        const delivered = [...first.output.recordsUpToState(k), ...second.output.records];
        // Records without a readable date are not in the state: one may come again after a resume.
        const dated = (records: string[]) =>
          records.filter((record) => !/"transferred_at":null/.test(record));
        expect(dated(multiset(delivered))).toEqual(dated(expectedOf(syncCase)));
        expect(new Set(multiset(delivered))).toEqual(new Set(expectedOf(syncCase)));
      }),
      { numRuns: 40 },
    );
  });

  it('delivers a record added later in the last delivered second, and nothing else again', async () => {
    const rows = steadyRows(30);
    const client = new FakeReportsClient(rows, { cap: 10 });
    // Now is 00:29:00 on the earliest wall clock on Earth (UTC-12): the cursor stops at the last record.
    const now = Date.UTC(2026, 0, 1, 12, 29, 0);
    const config = syncConfig({ endDate: undefined, recordsPerCallLimit: 10 });
    const first = await runSync(client, config, { now });
    expect(first.output.records).toHaveLength(30);
    const lastSecond = at('2026-01-01 00:29:00');
    expect(first.summary.finalState.date).toBe(formatLocal(lastSecond));
    const latecomers = [
      transferRow(lastSecond, { conn: 'late' }),
      transferRow(lastSecond + 5, { conn: 'later' }),
    ];
    client.add(latecomers);
    const second = await runSync(client, config, { state: first.summary.finalState, now: now + 60_000 });
    expect(multiset(second.output.records)).toEqual(expectedRecords(latecomers, 0, Infinity));
  });

  it('re-delivers only inside the lookback', async () => {
    const rows = steadyRows(60);
    const client = new FakeReportsClient(rows, { cap: 25 });
    const config = syncConfig({ endDate: at('2026-01-01 00:59:59'), recordsPerCallLimit: 25 });
    const first = await runSync(client, config);
    const lookback = { ...config, lookbackSeconds: 600 };
    const second = await runSync(client, lookback, { state: first.summary.finalState });
    const cursor = at(first.summary.finalState.date);
    expect(multiset(second.output.records)).toEqual(expectedRecords(rows, cursor - 600, cursor));
  });

  it('never moves the cursor past a second where transfers can still appear, whatever the time zone', async () => {
    // The operation is in Bogota (UTC-5); the configuration says Kiritimati (UTC+14).
    const now = Date.UTC(2026, 0, 1, 17, 0, 0); // 12:00 in Bogota
    const rows = [transferRow(at('2026-01-01 11:59:00'), { conn: 'before' })];
    const client = new FakeReportsClient(rows, { cap: 50 });
    const config = syncConfig({
      endDate: undefined,
      timezone: 'Pacific/Kiritimati',
      recordsPerCallLimit: 50,
    });
    const first = await runSync(client, config, { now });
    expect(first.output.records).toHaveLength(1);
    expect(at(first.summary.finalState.date)).toBeLessThanOrEqual(at('2026-01-01 11:59:00'));
    // Later that afternoon, Bogota transfers dated after the first sync's "now" appear.
    const afternoon = [
      transferRow(at('2026-01-01 12:00:01'), { conn: 'a' }),
      transferRow(at('2026-01-01 15:00:00')),
    ];
    client.add(afternoon);
    const second = await runSync(client, config, {
      now: now + 4 * 3_600_000,
      state: first.summary.finalState,
    });
    expect(multiset(second.output.records)).toEqual(
      expectedRecords(afternoon, 0, Infinity, 'Pacific/Kiritimati'),
    );
  });
});

describe('syncStream: states', () => {
  it('reads nothing for a state beyond the end and hands it back once', async () => {
    const client = new FakeReportsClient(steadyRows(10), { cap: 100 });
    const state = { date: '2099-01-01 00:00:00', ids_at_date: ['x'] };
    const { output, summary } = await runSync(client, syncConfig(), { state });
    expect(client.callsMade).toBe(0);
    expect(output.records).toHaveLength(0);
    expect(output.states).toEqual([{ state, recordCount: 0 }]);
    expect(summary.finalState).toEqual(state);
  });

  it('checkpoints an empty range, and reads full_refresh from start_date ignoring the state', async () => {
    const empty = await runSync(new FakeReportsClient([], { cap: 100 }), syncConfig());
    expect(empty.output.states.at(-1)?.state).toEqual({ date: '2026-01-31 23:59:59', ids_at_date: [] });
    const rows = steadyRows(5);
    const full = await runSync(new FakeReportsClient(rows, { cap: 100 }), syncConfig(), {
      syncMode: 'full_refresh',
      state: { date: '2099-01-01 00:00:00' },
    });
    expect(full.output.records).toHaveLength(5);
  });

  it.each([
    ['a string', 'yesterday'],
    ['a bad date', { date: '2026-13-01 00:00:00' }],
    ['ids that are not strings', { date: '2026-01-01 00:00:00', ids_at_date: [1] }],
  ])('refuses an unusable state (%s) with a ConfigError saying how to fix it', async (_, state) => {
    const run = runSync(new FakeReportsClient([], { cap: 10 }), syncConfig(), { state });
    await expect(run).rejects.toThrow(ConfigError);
    await expect(run).rejects.toThrow(/Reset \(clear\) the data of this stream/);
  });

  it('counts records per state and sends row estimates', async () => {
    const config = syncConfig({ recordsPerCallLimit: 40 });
    const { output } = await runSync(new FakeReportsClient(steadyRows(200), { cap: 40 }), config);
    expect(output.states.reduce((sum, state) => sum + state.recordCount, 0)).toBe(200);
    expect(output.events.some((event) => event.kind === 'estimate')).toBe(true);
    expect(output.logs('INFO').at(-1)).toMatch(/200 records, \d+ windows, \d+ calls/);
  });
});

describe('syncStream: failures', () => {
  it('stops cleanly at the call budget, and the next sync completes the data', async () => {
    await fc.assert(
      fc.asyncProperty(syncCaseArbitrary, fc.integer({ min: 1, max: 6 }), async (syncCase, budget) => {
        const client = clientFor(syncCase, { budget });
        const first = await runSync(client, { ...configFor(syncCase), callBudget: budget });
        const states = first.output.states;
        expect(states.length).toBeGreaterThan(0);
        if (!first.summary.budgetExhausted) return;
        // The last call is only spent to finish a split window.
        expect(client.callsMade).toBeGreaterThanOrEqual(budget - 1);
        expect(first.output.logs('WARN').join('\n')).toContain(
          `API call budget of ${budget} reached after ${client.callsMade} calls; ` +
            `the next sync continues from ${first.summary.finalState.date}`,
        );
        const second = await runSync(clientFor(syncCase), configFor(syncCase), {
          state: first.summary.finalState,
        });
        const checkpointed = first.output.recordsUpToState(states.length - 1);
        expect(multiset([...checkpointed, ...second.output.records])).toEqual(expectedOf(syncCase));
      }),
      { numRuns: 40 },
    );
  });

  it('delivers no duplicates when bodies fail midway and restart', async () => {
    await fc.assert(
      fc.asyncProperty(syncCaseArbitrary, fc.integer({ min: 2, max: 4 }), async (syncCase, every) => {
        const failAfter = (call: number) => (call % every === 0 ? call % 7 : undefined);
        const { output } = await runSync(clientFor(syncCase, { failAfter }), configFor(syncCase));
        expect(multiset(output.records)).toEqual(expectedOf(syncCase));
      }),
      { numRuns: 40 },
    );
  });

  it('propagates a ConnectorError after the states already emitted', async () => {
    const client = new FakeReportsClient([], { cap: 100 });
    const failing = {
      get callsMade() {
        return client.callsMade;
      },
      readWindow: (...args: Parameters<FakeReportsClient['readWindow']>) => {
        if (client.callsMade >= 4) throw new ConfigError('token invalid');
        return client.readWindow(...args);
      },
    };
    const output = new RecordingOutput();
    const config = syncConfig({ maxWindowDays: 1, endDate: at('2026-01-10 00:00:00') });
    await expect(runSync(failing, config, { output })).rejects.toThrow('token invalid');
    // The starting state, then one per day read before the failure.
    expect(output.states).toHaveLength(5);
  });

  it('warns about a one-second window at the cap, which it cannot split', async () => {
    const second = at('2026-01-01 10:00:00');
    const rows = Array.from({ length: 12 }, (_, i) => transferRow(second, { conn: `c${i}` }));
    const { output } = await runSync(
      new FakeReportsClient(rows, { cap: 10 }),
      syncConfig({ recordsPerCallLimit: 10 }),
    );
    expect(output.logs('WARN').join('\n')).toContain(
      `the one-second window ${formatLocal(second)} returned 10`,
    );
  });
});

describe('syncStream: two concurrent requests', () => {
  it('delivers the same records with never more than two requests in flight', async () => {
    await fc.assert(
      fc.asyncProperty(
        syncCaseArbitrary,
        fc.constantFrom('ascending', 'descending') as fc.Arbitrary<'ascending'>,
        async (syncCase, order) => {
          const client = clientFor(syncCase, { order });
          const { output } = await runSync(client, configFor(syncCase, { maxConcurrentRequests: 2 }), {
            now: LATER,
          });
          expect(multiset(output.records)).toEqual(expectedOf(syncCase));
          expect(client.maxInFlight).toBeLessThanOrEqual(2);
        },
      ),
      { numRuns: 60 },
    );
  });
});
