import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../src/simulator/server.js';
import { formatLocal, parseLocal, SECONDS_PER_DAY } from '../src/time/local-time.js';
import { wallClockAt } from '../src/time/zone.js';
import { startReportServer, transfer, type ReportServer } from '../test-support/report-server.js';
import {
  logMessages,
  messagesOfType,
  runCli,
  traces,
  writeJsonFiles,
  type CliRun,
} from '../test-support/run-cli.js';
import {
  CATALOG_PATH,
  dataset,
  deliveredIds,
  expectedIds,
  lastState,
  readSync,
  simulator,
} from '../test-support/sync-harness.js';

/**
 * Exactly once under inputs that used to lose or repeat records: identical rows, transfers that
 * appear later (in the last second, before the end bound, seconds late), clocks skewed into the future,
 * reports that return rows dated outside the range asked, call budgets, full refresh. Each case runs the
 * built CLI against a real local HTTP server; expected values come from the rows the test serves.
 */

let server: ReportServer | undefined;
let sim: RunningSimulator | undefined;
afterEach(async () => {
  await server?.close();
  await sim?.close();
  server = undefined;
  sim = undefined;
});

async function read(config: object, state?: unknown[], catalogPath = CATALOG_PATH): Promise<CliRun> {
  const files = writeJsonFiles({ config, ...(state ? { state } : {}) });
  const args = ['read', '--config', files.config!, '--catalog', catalogPath];
  if (files.state) args.push('--state', files.state);
  const run = await runCli(args);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  return run;
}

const records = (run: CliRun) =>
  messagesOfType(run, 'RECORD').map((m) => m.record.data as Record<string, string>);
const connIds = (run: CliRun) =>
  records(run)
    .map((r) => r.conn_id)
    .sort();
const warnings = (run: CliRun) => logMessages(run, 'WARN').join('\n');
const streamState = (run: CliRun) =>
  messagesOfType(run, 'STATE').at(-1)!.state.stream.stream_state as Record<string, unknown>;

/** The documented id: first 32 hex of SHA-256 over the seven fields in order; the k-th copy hashes "{id}#{k}". */
function documentedId(row: Record<string, unknown>, copy = 1): string {
  const fields = [
    'conn_id',
    'transfer_agent_id',
    'transfer_agent_name',
    'receiver_agent_id',
    'receiver_agent_name',
    'channel',
    'date',
  ];
  const id = createHash('sha256')
    .update(JSON.stringify(fields.map((f) => row[f])))
    .digest('hex')
    .slice(0, 32);
  return copy === 1 ? id : createHash('sha256').update(`${id}#${copy}`).digest('hex').slice(0, 32);
}

const bogotaNow = () => wallClockAt('America/Bogota', Date.now());

describe('exactly once, end to end', () => {
  it('identical transfers in one second get distinct, stable ids; a third copy later gets its own', async () => {
    const twin = transfer('2026-03-10 09:15:07', 'c-7');
    server = await startReportServer([
      twin,
      { raw: { ...twin.raw } },
      transfer('2026-03-10 09:15:07', 'c-8'),
    ]);
    const config = server.config({ start_date: '2026-03-10', end_date: '2026-03-10' });
    const first = await read(config);
    expect(first.exitCode).toBe(0);
    const ids = records(first)
      .map((r) => r.id)
      .sort();
    expect(ids).toEqual(
      [
        documentedId(twin.raw),
        documentedId(twin.raw, 2),
        documentedId(transfer('2026-03-10 09:15:07', 'c-8').raw),
      ].sort(),
    );
    const again = await read(config, lastState(first));
    expect(records(again)).toHaveLength(0);
    server.rows.push({ raw: { ...twin.raw } });
    const third = await read(config, lastState(again));
    expect(records(third).map((r) => r.id)).toEqual([documentedId(twin.raw, 3)]);
    // A fresh full read gives the very same ids.
    const fresh = await read(config);
    expect(
      records(fresh)
        .map((r) => r.id)
        .sort(),
    ).toEqual([...ids, documentedId(twin.raw, 3)].sort());
  });

  it('with an explicit end_date, transfers appearing later in the last second or before the end bound arrive once', async () => {
    server = await startReportServer([
      transfer('2026-04-02 10:00:00', 'first'),
      transfer('2026-04-01 08:00:00', 'early'),
    ]);
    const config = server.config({ start_date: '2026-04-01', end_date: '2026-04-02 18:00:00' });
    const first = await read(config);
    expect(connIds(first)).toEqual(['early', 'first']);
    server.rows.push(
      transfer('2026-04-02 10:00:00', 'same-second'),
      transfer('2026-04-02 17:59:59', 'before-end'),
    );
    const second = await read(config, lastState(first));
    expect(second.exitCode).toBe(0);
    expect(connIds(second)).toEqual(['before-end', 'same-second']);
    const third = await read(config, lastState(second));
    expect(connIds(third)).toEqual([]);
  });

  it('a transfer misdated months ahead is delivered once and does not move the cursor past the present', async () => {
    const now = bogotaNow();
    const misdated = transfer(formatLocal(now + 60 * SECONDS_PER_DAY), 'skewed');
    server = await startReportServer([transfer(formatLocal(now - 3_600), 'real'), misdated]);
    const config = server.config({
      start_date: formatLocal(now - SECONDS_PER_DAY),
      end_date: formatLocal(now + 90 * SECONDS_PER_DAY).slice(0, 10),
    });
    const first = await read(config);
    expect(connIds(first)).toEqual(['real', 'skewed']);
    expect(warnings(first)).toMatch(/1 records were dated after the present/);
    const cursor = parseLocal(streamState(first).date as string)!;
    expect(cursor).toBeLessThanOrEqual(bogotaNow());
    // Transfers dated between the first sync's present and the misdated one, and one a little late.
    const after = bogotaNow() + 1;
    await sleep(1_500);
    server.rows.push(transfer(formatLocal(after), 'after'), transfer(formatLocal(now - 120), 'late'));
    const second = await read(config, lastState(first));
    expect(connIds(second)).toEqual(['after', 'late']);
  });

  it('a transfer that becomes visible seconds before ones already delivered arrives once, without lookback', async () => {
    const now = bogotaNow();
    const rows = Array.from({ length: 60 }, (_, i) => transfer(formatLocal(now - 3_600 + i * 60), `r${i}`));
    server = await startReportServer(rows);
    const config = server.config({ start_date: formatLocal(now - 2 * 3_600) });
    const first = await read(config);
    expect(records(first)).toHaveLength(60);
    server.rows.push(transfer(formatLocal(now - 3_600 + 59 * 60 - 7), 'late'));
    const second = await read(config, lastState(first));
    expect(connIds(second)).toEqual(['late']);
    const third = await read(config, lastState(second));
    expect(connIds(third)).toEqual([]);
  });

  it('rows dated outside the range asked (a report that filters on another date) and undated rows arrive once', async () => {
    const inRange = parseLocal('2026-05-20 12:00:00')!;
    server = await startReportServer([
      { raw: transfer('2026-01-03 08:00:00', 'opened-long-ago').raw, filterSecond: inRange },
      { raw: transfer('', 'undated').raw, filterSecond: inRange + 60 },
      transfer('2026-05-21 09:00:00', 'normal'),
      // Dated in the padding second before start_date: a neighbouring window's, never this range's.
      transfer('2026-05-14 23:59:59', 'padding'),
    ]);
    const config = server.config({ start_date: '2026-05-15', end_date: '2026-05-31' });
    const first = await read(config);
    expect(connIds(first)).toEqual(['normal', 'opened-long-ago', 'undated']);
    expect(warnings(first)).toMatch(/1 records were dated outside the range they were requested for/);
    expect(warnings(first)).toMatch(/1 records had no readable date/);
    const second = await read(config, lastState(first));
    expect(connIds(second)).toEqual([]);
  });

  it('a catalog naming the same stream twice is refused before any call', async () => {
    server = await startReportServer([transfer('2026-03-10 09:15:07', 'c-1')]);
    const catalog = JSON.parse((await import('node:fs')).readFileSync(CATALOG_PATH, 'utf8')) as {
      streams: unknown[];
    };
    const files = writeJsonFiles({ catalog: { streams: [catalog.streams[0], catalog.streams[0]] } });
    const run = await read(server.config({ start_date: '2026-03-10' }), undefined, files.catalog);
    expect(run.exitCode).toBe(1);
    expect(traces(run, 'ERROR')[0]!.trace.error).toMatchObject({ failure_type: 'config_error' });
    expect(traces(run, 'ERROR')[0]!.trace.error.message).toMatch(/names stream "transfers" twice/);
    expect(records(run)).toHaveLength(0);
    expect(server.requests).toHaveLength(0);
  });
});

describe('call budget and full refresh against the simulator', () => {
  const burstyData = () =>
    dataset({
      from: '2026-02-01',
      to: '2026-02-14 23:59:59',
      transfersPerDay: 300,
      bursts: [
        { start: parseLocal('2026-02-05')!, seconds: SECONDS_PER_DAY, count: 3_000 },
        { start: parseLocal('2026-02-10 10:00:00')!, seconds: 3_600, count: 2_500 },
      ],
    });

  it.each([2, 3, 6])(
    'budget %i: every sync advances its state and repeats nothing; together they deliver the data',
    async (budget) => {
      const data = burstyData();
      sim = await simulator({ dataset: data, cap: 1_000, order: 'random' });
      const config = {
        ...sim.connectorConfig(),
        records_per_call_limit: 1_000,
        max_api_calls_per_sync: budget,
      };
      const runs: CliRun[] = [];
      let state: unknown[] | undefined;
      for (let sync = 0; ; sync++) {
        expect(sync).toBeLessThan(80);
        const before = sim.stats().total;
        const run = await readSync(sim, config, state);
        runs.push(run);
        expect(sim.stats().total - before).toBeLessThanOrEqual(budget);
        expect(run.exitCode).toBe(0);
        const next = lastState(run);
        const stopped = /API call budget of \d+ reached/.test(warnings(run));
        if (!stopped) break;
        expect(next).not.toEqual(state);
        state = next;
      }
      expect(deliveredIds(runs)).toEqual(expectedIds(data.records()));
    },
    240_000,
  );

  it('a full refresh stopped by the budget is INCOMPLETE with a transient_error; its retries resume it to a complete, exact table', async () => {
    const data = burstyData();
    sim = await simulator({ dataset: data, cap: 1_000 });
    const config = { ...sim.connectorConfig(), records_per_call_limit: 1_000, max_api_calls_per_sync: 6 };
    const catalog = JSON.parse((await import('node:fs')).readFileSync(CATALOG_PATH, 'utf8')) as {
      streams: Record<string, unknown>[];
    };
    const fullRefresh = {
      streams: [{ ...catalog.streams[0], sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }],
    };
    const { catalog: catalogPath } = writeJsonFiles({ catalog: fullRefresh });
    const attempts: CliRun[] = [];
    let state: unknown[] | undefined;
    for (;;) {
      expect(attempts.length).toBeLessThan(40);
      const run = await read(config, state, catalogPath);
      attempts.push(run);
      const statuses = traces(run, 'STREAM_STATUS').map((m) => m.trace.stream_status.status);
      if (run.exitCode === 0) {
        expect(statuses.at(-1)).toBe('COMPLETE');
        expect(streamState(run)).toEqual({ __ab_full_refresh_sync_complete: true });
        break;
      }
      expect(run.exitCode).toBe(75);
      expect(statuses.at(-1)).toBe('INCOMPLETE');
      expect(traces(run, 'ERROR')[0]!.trace.error).toMatchObject({ failure_type: 'transient_error' });
      expect(traces(run, 'ERROR')[0]!.trace.error.message).toMatch(/INCOMPLETE/);
      state = lastState(run);
      expect(streamState(run).full_refresh_in_progress).toBe(true);
    }
    expect(attempts.length).toBeGreaterThan(1);
    expect(deliveredIds(attempts)).toEqual(expectedIds(data.records()));
    // The next full refresh, handed the finished state, reads everything again.
    const next = await read(
      { ...config, max_api_calls_per_sync: undefined },
      lastState(attempts.at(-1)!),
      catalogPath,
    );
    expect(deliveredIds([next])).toEqual(expectedIds(data.records()));
  }, 240_000);
});
