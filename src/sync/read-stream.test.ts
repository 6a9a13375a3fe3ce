import type { RecordBatch, RecordDecoder, WindowRequest } from '../wolkvox/types.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeReportsClient, type FakeRow } from '../../test-support/fake-reports-client.js';
import { RecordingOutput } from '../../test-support/recording-output.js';
import { expectedRecords, LATER, multiset, runSync } from '../../test-support/run-sync.js';
import { at, syncConfig } from '../../test-support/sync-config.js';
import { syncCaseArbitrary, transferRow, type SyncCase } from '../../test-support/transfer-dataset.js';
import { ConfigError } from '../errors/index.js';
import { MAX_AHEAD_IDS } from './checkpointer.js';
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
        const delivered = [...first.output.recordsUpToState(k), ...second.output.delivered];
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
    expect(first.output.delivered).toHaveLength(30);
    const lastSecond = at('2026-01-01 00:29:00');
    expect(first.summary.finalState.date).toBe(formatLocal(lastSecond));
    const latecomers = [
      transferRow(lastSecond, { conn: 'late' }),
      transferRow(lastSecond + 5, { conn: 'later' }),
    ];
    client.add(latecomers);
    const second = await runSync(client, config, { state: first.summary.finalState, now: now + 60_000 });
    expect(multiset(second.output.delivered)).toEqual(expectedRecords(latecomers, 0, Infinity));
  });

  it('re-delivers only inside the lookback, before the settled span', async () => {
    const rows = steadyRows(60);
    const client = new FakeReportsClient(rows, { cap: 25 });
    const config = syncConfig({ endDate: at('2026-01-01 00:59:59'), recordsPerCallLimit: 25 });
    const first = await runSync(client, config);
    const settled = at(first.summary.finalState.settled_from as string);
    const cursor = at(first.summary.finalState.date as string);
    expect(cursor - settled).toBe(config.settleSeconds);
    const lookback = { ...config, lookbackSeconds: 1800 };
    const second = await runSync(client, lookback, { state: first.summary.finalState });
    expect(multiset(second.output.delivered)).toEqual(expectedRecords(rows, cursor - 1800, settled - 1));
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
    expect(first.output.delivered).toHaveLength(1);
    expect(at(first.summary.finalState.date as string)).toBeLessThanOrEqual(at('2026-01-01 11:59:00'));
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
    expect(multiset(second.output.delivered)).toEqual(
      expectedRecords(afternoon, 0, Infinity, 'Pacific/Kiritimati'),
    );
  });
});

describe('syncStream: states', () => {
  it('reads nothing for a state beyond the end, hands it back once, and says why', async () => {
    const client = new FakeReportsClient(steadyRows(10), { cap: 100 });
    const state = { date: '2099-01-01 00:00:00', ids_at_date: ['x'] };
    const { output, summary } = await runSync(client, syncConfig(), { state });
    expect(client.callsMade).toBe(0);
    expect(output.delivered).toHaveLength(0);
    const same = { date: state.date, settled_from: state.date, delivered_ids: { [state.date]: ['x'] } };
    expect(output.states).toEqual([{ state: same, recordCount: 0 }]);
    expect(summary.finalState).toEqual(same);
    expect(output.logs('WARN').join('\n')).toMatch(
      /nothing to read: it would start at 2099-01-01 00:00:00, after the end of the range \(2026-01-31 23:59:59, end_date\)/,
    );
  });

  it('checkpoints an empty range, and reads full_refresh from start_date ignoring the state', async () => {
    const empty = await runSync(new FakeReportsClient([], { cap: 100 }), syncConfig());
    expect(empty.output.states.at(-1)?.state).toEqual({
      date: '2026-01-31 23:59:59',
      settled_from: '2026-01-31 23:44:59',
      delivered_ids: {},
    });
    const rows = steadyRows(5);
    const full = await runSync(new FakeReportsClient(rows, { cap: 100 }), syncConfig(), {
      syncMode: 'full_refresh',
      state: { date: '2099-01-01 00:00:00' },
    });
    expect(full.output.delivered).toHaveLength(5);
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
  it('under any call budget, every sync advances its state and repeats nothing until the data is complete', async () => {
    await fc.assert(
      fc.asyncProperty(
        syncCaseArbitrary,
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom<1 | 2>(1, 2),
        fc.constantFrom<'ascending' | 'descending' | { randomSeed: number }>('ascending', 'descending', {
          randomSeed: 5,
        }),
        async (syncCase, budget, concurrency, order) => {
          const delivered: Record<string, unknown>[] = [];
          let state: unknown;
          for (let sync = 0; ; sync += 1) {
            expect(sync, 'syncs needed').toBeLessThan(2_000);
            const client = clientFor(syncCase, { budget, order });
            const output = new RecordingOutput();
            const config = {
              ...configFor(syncCase, { maxConcurrentRequests: concurrency }),
              callBudget: budget,
            };
            const run = await runSync(client, config, { state, output }).catch((error: unknown) => {
              // Refused only when this sync could not progress, saying what to do.
              expect(error).toBeInstanceOf(ConfigError);
              expect(String(error)).toContain(`Raise max_api_calls_per_sync above ${budget}`);
              return undefined;
            });
            delivered.push(...output.delivered);
            if (run === undefined) {
              budget += 1;
              state = output.states.at(-1)?.state;
              continue;
            }
            expect(client.callsMade).toBeLessThanOrEqual(budget);
            if (!run.summary.budgetExhausted) break;
            expect(run.summary.finalState, 'a sync under the budget moves its state').not.toEqual(state);
            expect(run.output.logs('WARN').join('\n')).toContain(`API call budget of ${budget} reached`);
            state = run.summary.finalState;
          }
          expect(multiset(delivered)).toEqual(expectedOf(syncCase));
        },
      ),
      { numRuns: 25 },
    );
  }, 240_000);

  it('delivers no duplicates when bodies fail midway and restart', async () => {
    await fc.assert(
      fc.asyncProperty(syncCaseArbitrary, fc.integer({ min: 2, max: 4 }), async (syncCase, every) => {
        const failAfter = (call: number) => (call % every === 0 ? call % 7 : undefined);
        const { output } = await runSync(clientFor(syncCase, { failAfter }), configFor(syncCase));
        expect(multiset(output.delivered)).toEqual(expectedOf(syncCase));
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
      async *readWindow<R extends RecordBatch>(
        request: WindowRequest,
        decode: RecordDecoder<R>,
        signal?: AbortSignal,
      ) {
        if (client.callsMade >= 4) throw new ConfigError('token invalid');
        yield* client.readWindow(request, decode, signal);
      },
    };
    const output = new RecordingOutput();
    const config = syncConfig({ maxWindowDays: 1, endDate: at('2026-01-10 00:00:00') });
    await expect(runSync(failing, config, { output })).rejects.toThrow('token invalid');
    // The starting state, one per day read before the failure, and one where it stopped.
    expect(output.states.map(({ state }) => state.date)).toEqual([
      '2026-01-01 00:00:00',
      '2026-01-01 23:59:57',
      '2026-01-02 23:59:55',
      '2026-01-03 23:59:53',
      '2026-01-04 23:59:51',
      '2026-01-04 23:59:51',
    ]);
    expect(output.states.at(-1)?.state.next_window).toEqual({
      from: '2026-01-04 23:59:52',
      to: '2026-01-05 23:59:49',
    });
  });

  it('warns about a second that holds the cap, which it cannot split', async () => {
    const second = at('2026-01-01 10:00:00');
    const rows = Array.from({ length: 12 }, (_, i) => transferRow(second, { conn: `c${i}` }));
    const { output } = await runSync(
      new FakeReportsClient(rows, { cap: 10 }),
      syncConfig({ recordsPerCallLimit: 10 }),
    );
    expect(output.logs('WARN').join('\n')).toContain(`the second ${formatLocal(second)} holds 10 records`);
  });

  it.each(['ascending', 'descending'] as const)(
    'does not warn about a second next to a crowded one: it asks for that second alone (%s bodies)',
    async (order) => {
      const crowded = at('2026-01-01 10:00:00');
      const rows = [
        ...Array.from({ length: 12 }, (_, i) => transferRow(crowded, { conn: `c${i}` })),
        ...Array.from({ length: 12 }, (_, i) => transferRow(crowded + 2, { conn: `d${i}` })),
        transferRow(crowded + 1, { conn: 'between' }),
      ];
      const client = new FakeReportsClient(rows, { cap: 10, order });
      const { output } = await runSync(client, syncConfig({ recordsPerCallLimit: 10 }));
      const warnings = output.logs('WARN').join('\n');
      expect(warnings).toContain(`the second ${formatLocal(crowded)} holds 10 records`);
      expect(warnings).toContain(`the second ${formatLocal(crowded + 2)} holds 10 records`);
      expect(warnings).not.toContain(formatLocal(crowded + 1));
      expect(output.delivered.map((record) => record.conn_id)).toContain('between');
    },
  );
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
          expect(multiset(output.delivered)).toEqual(expectedOf(syncCase));
          expect(client.maxInFlight).toBeLessThanOrEqual(2);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('syncStream: what 404 can mean', () => {
  it('warns loudly when every call of a long range answered 404, and not for a short one', async () => {
    const long = await runSync(new FakeReportsClient([], { cap: 100 }), syncConfig());
    expect(long.output.logs('WARN').join('\n')).toMatch(
      /answered 404 "no records" for every call from 2026-01-01 00:00:00 to 2026-01-31 23:59:59.*report chat_9 is not enabled on the server.*server 0032/,
    );
    const short = await runSync(
      new FakeReportsClient([], { cap: 100 }),
      syncConfig({ endDate: at('2026-01-03 23:59:59') }),
    );
    expect(short.output.logs('WARN')).toEqual([]);
    const some = await runSync(new FakeReportsClient(steadyRows(3), { cap: 100 }), syncConfig());
    expect(some.output.logs('WARN')).toEqual([]);
  });
});

describe('syncStream: state size while a truncated unordered window is re-read', () => {
  it('keeps at most MAX_AHEAD_IDS ids beyond the cursor in a mid-sync state; a resume loses nothing', async () => {
    const start = at('2026-01-01 00:00:00');
    const rows = Array.from({ length: 50_000 }, (_, i) =>
      transferRow(start + Math.floor(i * 1.7), { conn: `c${i}` }),
    );
    const config = syncConfig({ endDate: at('2026-01-01 23:59:59'), recordsPerCallLimit: 20_000 });
    const order = { randomSeed: 3 };
    const first = await runSync(new FakeReportsClient(rows, { cap: 20_000, order }), config);
    expect(first.output.delivered).toHaveLength(50_000);
    const ahead = (state: Record<string, unknown>) =>
      Object.entries(state.delivered_ids as Record<string, string[]>)
        .filter(([second]) => second > (state.date as string))
        .reduce((sum, [, ids]) => sum + ids.length, 0);
    const states = first.output.states.map(({ state }) => state);
    expect(Math.max(...states.map(ahead))).toBeLessThanOrEqual(MAX_AHEAD_IDS);
    let mostRepeated = 0;
    for (const [k, state] of states.entries()) {
      const resumed = await runSync(new FakeReportsClient(rows, { cap: 20_000, order }), config, { state });
      const delivered = [...first.output.recordsUpToState(k), ...resumed.output.delivered];
      // Nothing lost; what comes twice is at most what one response delivered.
      expect(new Set(multiset(delivered))).toEqual(new Set(expectedRecords(rows, start, config.endDate!)));
      expect(delivered.length - 50_000).toBeLessThanOrEqual(20_000);
      mostRepeated = Math.max(mostRepeated, delivered.length - 50_000);
    }
    // Some state did leave ids out (the case under test), and the end state repeats nothing.
    expect(mostRepeated).toBeGreaterThan(0);
    expect(ahead(states.at(-1)!)).toBe(0);
  }, 120_000);
});
