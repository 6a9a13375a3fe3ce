import { afterEach, describe, expect, it } from 'vitest';
import { projections, servedKeys, simulatorDailyRows } from '../../test-support/report-rows.js';
import { RecordingOutput } from '../../test-support/recording-output.js';
import { at, syncConfig } from '../../test-support/sync-config.js';
import { ConfigError, SystemError, TransientError } from '../errors/index.js';
import { generateDataset } from '../simulator/dataset.js';
import { reportDataFor } from '../simulator/report-data.js';
import { startSimulator, type RunningSimulator } from '../simulator/server.js';
import type { ConnectorConfig } from '../config/config.js';
import type { ReportDefinition } from '../streams/report-definition.js';
import { REPORT_DEFINITIONS } from '../streams/report-definitions.js';
import { createWolkvoxClient, type WolkvoxClient } from '../wolkvox/client.js';
import { parseAggregateState, syncAggregateStream, type AggregateSyncParams } from './aggregate-stream.js';

// 2026-03-02 is a Monday; the data runs from Sunday 1 to Saturday 7.
const dataset = generateDataset({
  seed: 4,
  from: at('2026-03-01'),
  to: at('2026-03-07 23:59:59'),
  transfersPerDay: 40,
});
const data = reportDataFor(dataset, { denseReports: {}, eventsPerDay: 60 });
/** 12:00 in Bogota (UTC−5) on Tuesday 2026-03-03. */
const TUESDAY_NOON = Date.UTC(2026, 2, 3, 17, 0, 0);

const definition = (report: string): ReportDefinition =>
  REPORT_DEFINITIONS.find((entry) => entry.report === report)!;
const AGENT_TIME = definition('agent_1'); // range aggregate
const AGENT_HOURLY = definition('agent_8'); // time-bucketed by date + hour
const SKILL_HOURLY = definition('skill_4'); // time-bucketed, per skill

let sim: RunningSimulator | undefined;
let client: WolkvoxClient | undefined;
afterEach(async () => {
  await client?.close();
  await sim?.close();
  sim = client = undefined;
});

async function setUp(config: Partial<ConnectorConfig> = {}, cap?: number) {
  sim = await startSimulator({ dataset, seed: 3, reportData: data, ...(cap === undefined ? {} : { cap }) });
  const resolved = syncConfig({
    baseUrl: sim.url,
    token: sim.token,
    maxRetries: 2,
    recordsPerCallLimit: 60_000,
    ...config,
  });
  client = createWolkvoxClient({
    baseUrl: resolved.baseUrl,
    server: resolved.server,
    token: resolved.token,
    maxRetries: resolved.maxRetries,
    callBudget: resolved.callBudget,
  });
  return resolved;
}

async function run(
  config: ConnectorConfig,
  overrides: Partial<AggregateSyncParams> & { definition: ReportDefinition },
): Promise<{
  output: RecordingOutput;
  undeclared: string[];
  summary: Awaited<ReturnType<typeof syncAggregateStream>>;
}> {
  const output = new RecordingOutput();
  const undeclared: string[] = [];
  const summary = await syncAggregateStream({
    label: overrides.definition.stream,
    partition: undefined,
    params: undefined,
    client: client!,
    config,
    syncMode: 'incremental',
    state: undefined,
    output,
    now: () => TUESDAY_NOON,
    onUndeclared: (names) => undeclared.push(...names),
    ...overrides,
  });
  return { output, undeclared, summary };
}

const days = (calls: { dateIni: string | null; dateEnd: string | null }[]) =>
  calls.map((call) => `${call.dateIni}-${call.dateEnd}`);

describe('syncAggregateStream', () => {
  it('asks one whole local day per call, unpadded, and delivers each day as the simulator computes it', async () => {
    const config = await setUp({ startDate: at('2026-03-01'), endDate: at('2026-03-02 23:59:59') });
    const { output, undeclared } = await run(config, { definition: AGENT_HOURLY });
    expect(days(sim!.calls())).toEqual(['20260301000000-20260301235959', '20260302000000-20260302235959']);
    const expected = simulatorDailyRows(data, 'agent_8', at('2026-03-01'), at('2026-03-02'));
    expect(expected.length).toBeGreaterThan(0);
    const keys = servedKeys(expected);
    expect(projections(output.delivered, keys)).toEqual(projections(expected, keys));
    // The bucket joins date and hour; the primary key is unique.
    for (const record of output.delivered)
      expect(record.bucket).toBe(`${String(record.date)} ${String(record.hour)}`);
    const primaryKeys = output.delivered.map(
      (record) => `${String(record.report_date)}|${String(record.bucket)}|${String(record.agent_id)}`,
    );
    expect(new Set(primaryKeys).size).toBe(primaryKeys.length);
    expect(undeclared).toEqual([]);
    // A STATE after every day, counting that day's records.
    expect(output.states.map((entry) => entry.state)).toEqual([
      { report_date: '2026-03-01' },
      { report_date: '2026-03-02' },
    ]);
    const perDay = (date: string) => output.delivered.filter((record) => record.report_date === date).length;
    expect(output.states.map((entry) => entry.recordCount)).toEqual([
      perDay('2026-03-01'),
      perDay('2026-03-02'),
    ]);
  });

  it('reads up to today, keeps the state at the last day that had ended, and re-reads the configured days after it', async () => {
    const config = await setUp({ startDate: at('2026-03-01'), endDate: undefined, aggregateRereadDays: 1 });
    const first = await run(config, { definition: AGENT_TIME });
    expect(first.output.delivered.map((record) => record.report_date)).toContain('2026-03-03');
    expect(first.summary.finalState).toEqual({ report_date: '2026-03-02' });
    sim!.resetStats();
    // A day later: one complete day re-read (the 2nd), then the 3rd (no longer today) and the 4th (today).
    const next = await run(config, {
      definition: AGENT_TIME,
      state: first.summary.finalState,
      now: () => TUESDAY_NOON + 86_400_000,
    });
    expect(days(sim!.calls())).toEqual([
      '20260302000000-20260302235959',
      '20260303000000-20260303235959',
      '20260304000000-20260304235959',
    ]);
    expect(next.summary.finalState).toEqual({ report_date: '2026-03-03' });
    const expected = simulatorDailyRows(data, 'agent_1', at('2026-03-02'), at('2026-03-04'));
    const keys = servedKeys(expected);
    expect(projections(next.output.delivered, keys)).toEqual(projections(expected, keys));
  });

  it('reads a day without rows (404) as no records, and moves past it', async () => {
    const config = await setUp({ startDate: at('2026-02-27'), endDate: at('2026-02-28 23:59:59') });
    const { output, summary } = await run(config, { definition: AGENT_TIME });
    expect(sim!.calls().map((call) => call.status)).toEqual([404, 404]);
    expect(output.delivered).toEqual([]);
    expect(summary.finalState).toEqual({ report_date: '2026-02-28' });
  });

  it('refuses a day at the per-call cap with a system error that says so, delivering nothing of it', async () => {
    const config = await setUp(
      { startDate: at('2026-03-02'), endDate: at('2026-03-02 23:59:59'), recordsPerCallLimit: 5 },
      5,
    );
    const output = new RecordingOutput();
    const error = await run(config, { definition: AGENT_HOURLY, output }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(SystemError);
    expect((error as Error).message).toMatch(
      /returned 5 rows for 2026-03-02, the most one call returns \(records_per_call_limit 5\)/,
    );
    expect(output.delivered).toEqual([]);
  });

  it('partitions: sends the parameter, and puts its value in every record', async () => {
    const config = await setUp({ startDate: at('2026-03-02'), endDate: at('2026-03-02 23:59:59') });
    const { output } = await run(config, {
      definition: SKILL_HOURLY,
      partition: '102',
      params: { skill_id: '102' },
      label: 'skill_service_level_by_hour (skill_id 102)',
    });
    const expected = simulatorDailyRows(data, 'skill_4', at('2026-03-02'), at('2026-03-02'), '102');
    expect(expected.length).toBeGreaterThan(0);
    const keys = servedKeys(expected);
    expect(projections(output.delivered, keys)).toEqual(projections(expected, keys));
    expect(output.delivered.every((record) => record.requested_skill_id === '102')).toBe(true);
  });

  it('stops at the call budget: cleanly when incremental (the next sync continues), incomplete in a full refresh', async () => {
    const config = await setUp({
      startDate: at('2026-03-01'),
      endDate: at('2026-03-04 23:59:59'),
      callBudget: 2,
    });
    const incremental = await run(config, { definition: AGENT_TIME });
    expect(incremental.summary.budgetExhausted).toBe(true);
    expect(incremental.summary.finalState).toEqual({ report_date: '2026-03-02' });
    expect(incremental.output.logs('WARN').join()).toMatch(
      /budget of 2 reached after 2 calls; the next sync continues from 2026-03-03/,
    );
    await client!.close();
    client = createWolkvoxClient({
      baseUrl: config.baseUrl,
      server: config.server,
      token: config.token,
      maxRetries: 0,
      callBudget: 2,
    });
    const output = new RecordingOutput();
    const error = await run(config, { definition: AGENT_TIME, syncMode: 'full_refresh', output }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/INCOMPLETE/);
    expect(output.states.at(-1)?.state).toEqual({
      report_date: '2026-03-02',
      full_refresh_in_progress: true,
    });
  });

  it('refuses a call budget no larger than the days each sync reads again before a new day', async () => {
    // Tuesday noon, state at Monday: the 2 re-read days are Sunday and Monday, then Tuesday is new.
    const state = { report_date: '2026-03-02' };
    const config = await setUp({
      startDate: at('2026-03-01'),
      endDate: undefined,
      callBudget: 2,
      aggregateRereadDays: 2,
    });
    const error = await run(config, { definition: AGENT_TIME, state }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'agent_time_by_state: max_api_calls_per_sync (2) is too small for this stream to move: each incremental ' +
        'sync first reads again the last 2 days it read (aggregate_reread_days 2), one call each, before any ' +
        'new day, so its state would stay at 2026-03-02 forever. Raise max_api_calls_per_sync above 2 (it ' +
        'counts the calls of every stream and partition of the sync), or lower aggregate_reread_days.',
    );
    expect(sim!.calls()).toEqual([]);
    // A start_date after the first re-read day leaves one re-read day: the budget of 2 reads Tuesday too.
    await client!.close();
    await sim!.close();
    const later = await setUp({
      startDate: at('2026-03-02'),
      endDate: undefined,
      callBudget: 2,
      aggregateRereadDays: 2,
    });
    const read = await run(later, { definition: AGENT_TIME, state });
    expect(days(sim!.calls())).toEqual(['20260302000000-20260302235959', '20260303000000-20260303235959']);
    expect(read.summary.budgetExhausted).toBe(false);
  });

  it('keeps a state dated after today as it is, and says so at WARN', async () => {
    const config = await setUp({ startDate: at('2026-03-01'), endDate: undefined, aggregateRereadDays: 1 });
    const state = { report_date: '2026-03-05' };
    const { output, summary } = await run(config, { definition: AGENT_TIME, state });
    expect(sim!.calls()).toEqual([]);
    expect(output.delivered).toEqual([]);
    expect(summary.finalState).toEqual(state);
    expect(output.logs('WARN')).toEqual([
      "agent_time_by_state: the saved state's report_date 2026-03-05 is after today (2026-03-03 in " +
        'America/Bogota), so no new day is read and the state stays at 2026-03-05 until that day has passed. ' +
        'If the time zone is wrong, correct timezone; if the state is wrong, reset this stream in Airbyte (or ' +
        "correct its state in the connection's settings) so that it is read again from start_date.",
    ]);
  });

  it('resumes a full refresh after its last day and ends it with the completion marker', async () => {
    const config = await setUp({ startDate: at('2026-03-01'), endDate: at('2026-03-03 23:59:59') });
    const { output } = await run(config, {
      definition: AGENT_TIME,
      syncMode: 'full_refresh',
      state: { report_date: '2026-03-01', full_refresh_in_progress: true },
    });
    expect(days(sim!.calls())).toEqual(['20260302000000-20260302235959', '20260303000000-20260303235959']);
    expect(output.states.at(-1)?.state).toEqual({ __ab_full_refresh_sync_complete: true });
  });
});

describe('parseAggregateState', () => {
  it('reads no state, the full-refresh marker and a day; refuses anything else', () => {
    expect(parseAggregateState('s', undefined)).toBeUndefined();
    expect(parseAggregateState('s', { __ab_full_refresh_sync_complete: true })).toBeUndefined();
    expect(parseAggregateState('s', { report_date: '2026-03-02' })).toEqual({
      day: at('2026-03-02'),
      fullRefreshInProgress: false,
    });
    expect(() => parseAggregateState('s', { report_date: '2026-03-02 10:00:00' })).toThrow(ConfigError);
    expect(() => parseAggregateState('s', [])).toThrow(/saved state of stream "s" is unusable/);
  });

  it.each([
    [
      { date: '2026-03-02 10:00:00', settled_from: '2026-03-02 09:45:00', delivered_ids: {} },
      'an object with the keys "date", "settled_from", "delivered_ids" (an event stream\'s state)',
    ],
    [
      { partitions: { 101: { report_date: '2026-03-02' } } },
      'an object with the key "partitions" (a partitioned stream\'s state)',
    ],
    [{ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }, 'an object with the keys "a", "b", "c", "d", "e", …'],
  ])('refuses %j, saying which shape it expected and how to fix it', (state, got) => {
    expect(() => parseAggregateState('agent_time_by_state', state)).toThrow(
      new ConfigError(
        'The saved state of stream "agent_time_by_state" is unusable: an aggregate stream\'s state is ' +
          `{"report_date": "YYYY-MM-DD"} (the last day read), got ${got}. Reset (clear) the data of this ` +
          "stream in Airbyte so that it is read again from start_date, or correct the stream's state in the " +
          "connection's settings.",
      ),
    );
  });
});
