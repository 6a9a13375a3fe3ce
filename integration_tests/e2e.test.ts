import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../src/simulator/server.js';
import { formatLocal, parseLocal } from '../src/time/local-time.js';
import { wallClockAt } from '../src/time/zone.js';
import { parseProtocolLines } from '../test-support/protocol-schema.js';
import {
  CLI_PATH,
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

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const multiset = (ids: string[]) => ids.slice().sort();
const countBy = (ids: string[]) =>
  ids.reduce((counts, id) => counts.set(id, (counts.get(id) ?? 0) + 1), new Map<string, number>());

describe('end to end against the Wolkvox simulator', () => {
  it('check succeeds with the record count of the last hour, and says what a 404 may mean', async () => {
    sim = await simulator({ dataset: dataset({ from: '2026-01-01', to: '2026-01-02 23:59:59' }) });
    const files = writeJsonFiles({ config: sim.connectorConfig() });
    const run = await runCli(['check', '--config', files.config!]);
    expect(run.exitCode).toBe(0);
    const status = messagesOfType(run, 'CONNECTION_STATUS')[0]!.connectionStatus;
    expect(status.status).toBe('SUCCEEDED');
    // The dataset is in the past, so the last hour is empty: Wolkvox's 404.
    expect(status.message).toContain('not enabled');
    expect(sim.stats().total).toBe(1);
    expect(run.stdout + run.stderr).not.toContain(sim.token);
  });

  it('check with a wrong token fails as a config problem that names the token and the IP allow list', async () => {
    sim = await simulator({ dataset: dataset({ from: '2026-01-01', to: '2026-01-01 23:59:59' }) });
    const files = writeJsonFiles({ config: { ...sim.connectorConfig(), wolkvox_token: 'wrong-token-1234' } });
    const run = await runCli(['check', '--config', files.config!]);
    expect(run.exitCode).toBe(0);
    const status = messagesOfType(run, 'CONNECTION_STATUS')[0]!.connectionStatus;
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/token/i);
    expect(status.message).toMatch(/IP/);
    expect(run.stdout).not.toContain('wrong-token-1234');
  });

  it('a multi-month backfill with bursts over the 60,000 cap delivers exactly the dataset', async () => {
    const data = dataset({
      from: '2026-01-01',
      to: '2026-03-31 23:59:59',
      transfersPerDay: 2_500,
      bursts: [
        { start: parseLocal('2026-02-10')!, seconds: 86_400, count: 70_000 },
        { start: parseLocal('2026-03-03 10:00:00')!, seconds: 600, count: 61_000 },
      ],
    });
    sim = await simulator({ dataset: data, order: 'random' });
    const run = await readSync(sim, sim.connectorConfig(), undefined, 180_000);
    expect(run.exitCode).toBe(0);
    expect(deliveredIds([run])).toEqual(expectedIds(data.records()));
    const truncated = sim.calls().filter((call) => call.status === 200 && call.records === 60_000).length;
    expect(truncated).toBeGreaterThan(0);
    expect(sim.stats().maxInFlight).toBe(1);
    const statuses = traces(run, 'STREAM_STATUS').map((message) => message.trace.stream_status.status);
    expect(statuses).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    const states = messagesOfType(run, 'STATE');
    const counted = states.reduce((sum, message) => sum + message.state.sourceStats!.recordCount, 0);
    expect(counted).toBe(messagesOfType(run, 'RECORD').length);
    expect(traces(run, 'ESTIMATE').length).toBeGreaterThan(0);
  }, 240_000);

  it('with two requests in flight (the API maximum) it delivers exactly the dataset and never exceeds two', async () => {
    const data = dataset({ from: '2026-01-01', to: '2026-02-28 23:59:59', transfersPerDay: 400 });
    sim = await simulator({ dataset: data, cap: 1_000, order: 'descending', latencyMs: 10 });
    const config = { ...sim.connectorConfig(), records_per_call_limit: 1_000, max_concurrent_requests: 2 };
    const run = await readSync(sim, config);
    expect(run.exitCode).toBe(0);
    expect(deliveredIds([run])).toEqual(expectedIds(data.records()));
    expect(sim.stats().maxInFlight).toBe(2);
    expect(sim.stats().byStatus['403'] ?? 0).toBe(0);
  }, 120_000);

  it('with 25% injected faults of every kind it still delivers exactly the dataset', async () => {
    const data = dataset({ from: '2026-01-01', to: '2026-01-20 23:59:59' });
    sim = await simulator({ dataset: data, cap: 250, faults: { rate: 0.25, slowMs: 300 } });
    const config = { ...sim.connectorConfig(), records_per_call_limit: 250, max_retries: 10 };
    const run = await readSync(sim, config, undefined, 240_000);
    expect(run.exitCode).toBe(0);
    expect(deliveredIds([run])).toEqual(expectedIds(data.records()));
    const { faults } = sim.stats();
    expect(faults['server-error'] + faults.reset + faults.truncated).toBeGreaterThanOrEqual(3);
  }, 300_000);

  it('killed with SIGKILL at several points, it resumes from the last STATE it printed and loses nothing', async () => {
    const data = dataset({ from: '2026-01-01', to: '2026-01-31 23:59:59', transfersPerDay: 400 });
    sim = await simulator({ dataset: data, cap: 1_000, latencyMs: 20 });
    const config = { ...sim.connectorConfig(), records_per_call_limit: 1_000 };
    const expected = expectedIds(data.records());
    for (const killAfterStates of [1, 4, 9]) {
      const killed = await readUntilStates(config, killAfterStates);
      const resumed = await readSync(sim, config, lastState(killed));
      expect(resumed.exitCode).toBe(0);
      const delivered = deliveredIds([killed, resumed]);
      // Nothing lost: every id comes at least as often as the dataset holds it…
      const deliveredCounts = countBy(delivered);
      for (const [id, count] of countBy(expected))
        expect(deliveredCounts.get(id) ?? 0).toBeGreaterThanOrEqual(count);
      // …and what came twice is what the killed run delivered beyond its last checkpoint: at most a window.
      const beyond = recordsBeyondLastState(killed);
      expect(delivered.length - expected.length).toBeLessThanOrEqual(beyond);
      expect(beyond).toBeLessThanOrEqual(2 * 1_000);
    }
  }, 240_000);

  it('a spent daily quota ends with a transient_error and a usable state; the next sync completes', async () => {
    const data = dataset({ from: '2026-01-01', to: '2026-02-28 23:59:59' });
    sim = await simulator({ dataset: data, cap: 1_000, dailyQuota: 12 });
    const config = { ...sim.connectorConfig(), records_per_call_limit: 1_000 };
    const first = await readSync(sim, config);
    expect(first.exitCode).not.toBe(0);
    const [error] = traces(first, 'ERROR');
    expect(error!.trace.error.failure_type).toBe('transient_error');
    expect(error!.trace.error.message).toMatch(/quota/i);
    expect(error!.trace.error.stream_descriptor).toEqual({ name: 'transfers' });
    expect(traces(first, 'STREAM_STATUS').map((m) => m.trace.stream_status.status)).toContain('INCOMPLETE');
    expect(messagesOfType(first, 'STATE').length).toBeGreaterThan(0);
    const quotaCalls = sim.calls().filter((call) => call.status === 403).length;
    expect(quotaCalls).toBe(1);
    // Each new "day" gives the quota back; syncs continue from their last state until one completes.
    const runs = [first];
    for (let day = 0; day < 6 && runs.at(-1)!.exitCode !== 0; day++) {
      sim.resetStats();
      runs.push(await readSync(sim, config, lastState(runs.at(-1)!)));
    }
    expect(runs.at(-1)!.exitCode).toBe(0);
    expect(multiset([...new Set(deliveredIds(runs))])).toEqual(
      multiset([...new Set(expectedIds(data.records()))]),
    );
  }, 120_000);

  it('a call budget stops cleanly with exit 0, and the next sync continues', async () => {
    const data = dataset({ from: '2026-01-01', to: '2026-02-28 23:59:59' });
    sim = await simulator({ dataset: data, cap: 1_000 });
    const config = { ...sim.connectorConfig(), records_per_call_limit: 1_000, max_api_calls_per_sync: 5 };
    const runs: CliRun[] = [];
    let state: unknown[] | undefined;
    for (let sync = 0; sync < 40; sync++) {
      const before = sim.stats().total;
      const run = await readSync(sim, config, state);
      expect(run.exitCode).toBe(0);
      expect(sim.stats().total - before).toBeLessThanOrEqual(5);
      runs.push(run);
      state = lastState(run);
      const warned = messagesOfType(run, 'LOG').some(
        (m) => m.log.level === 'WARN' && /budget/i.test(m.log.message),
      );
      if (!warned) break;
    }
    expect(runs.length).toBeGreaterThan(2);
    expect(deliveredIds(runs)).toEqual(expectedIds(data.records()));
  }, 180_000);

  it('incremental: new transfers, one in the same second as the last delivered, arrive once; nothing else repeats', async () => {
    const now = wallClockAt('America/Bogota', Date.now());
    const data = dataset({ from: formatLocal(now - 10 * 86_400), to: formatLocal(now - 3_600) });
    sim = await simulator({ dataset: data, cap: 500 });
    const config = { ...sim.connectorConfig({ withEndDate: false }), records_per_call_limit: 500 };
    const backfill = await readSync(sim, config);
    expect(backfill.exitCode).toBe(0);
    expect(deliveredIds([backfill])).toEqual(expectedIds(data.records()));
    const added = sim.append(25, { until: wallClockAt('America/Bogota', Date.now()) - 5 });
    const incremental = await readSync(sim, config, lastState(backfill));
    expect(incremental.exitCode).toBe(0);
    expect(deliveredIds([incremental])).toEqual(expectedIds(sim.dataset.recordsIn(added)));
    const lookback = await readSync(sim, { ...config, lookback_window_minutes: 30 }, lastState(incremental));
    // The lookback re-delivers only what lies in its 30 minutes before the settled span, whose ids the
    // state lists (they are skipped).
    const saved = messagesOfType(incremental, 'STATE').at(-1)!.state.stream.stream_state!;
    const settled = parseLocal(saved.settled_from as string)!;
    const lookbackFrom = parseLocal(saved.date as string)! - 1_800;
    expect(deliveredIds([lookback])).toEqual(expectedIds(sim.dataset.records(lookbackFrom, settled - 1)));
  }, 120_000);

  it('sends a row estimate before the first record, marked rough in the log, then refines it', async () => {
    sim = await simulator({ dataset: dataset({ from: '2026-01-01', to: '2026-01-05 23:59:59' }) });
    const run = await readSync(sim, sim.connectorConfig());
    const kinds = run.messages.map((m) =>
      m.type === 'TRACE' && m.trace.type === 'ESTIMATE' ? 'ESTIMATE' : m.type,
    );
    expect(kinds.indexOf('ESTIMATE')).toBeLessThan(kinds.indexOf('RECORD'));
    expect(kinds.lastIndexOf('ESTIMATE')).toBeGreaterThan(kinds.indexOf('RECORD'));
    const logs = messagesOfType(run, 'LOG').map((m) => m.log.message);
    expect(logs.some((line) => /estimate \d+ records \(rough, nothing read yet/.test(line))).toBe(true);
  });

  it('a state in the far future yields no record and one STATE', async () => {
    sim = await simulator({ dataset: dataset({ from: '2026-01-01', to: '2026-01-05 23:59:59' }) });
    const state = [
      {
        type: 'STREAM',
        stream: {
          stream_descriptor: { name: 'transfers' },
          stream_state: { date: '2099-12-31 23:59:59', ids_at_date: [] },
        },
      },
    ];
    const run = await readSync(sim, sim.connectorConfig(), state);
    expect(run.exitCode).toBe(0);
    expect(messagesOfType(run, 'RECORD')).toHaveLength(0);
    expect(messagesOfType(run, 'STATE')).toHaveLength(1);
    expect(sim.stats().total).toBe(0);
  });
});

/** Starts a read and SIGKILLs it right after its `states`-th STATE line; returns what it printed. */
function readUntilStates(config: object, states: number): Promise<CliRun> {
  const files = writeJsonFiles({ config });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      CLI_PATH,
      'read',
      '--config',
      files.config!,
      '--catalog',
      CATALOG_PATH,
    ]);
    let stdout = '';
    let seen = 0;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      seen += chunk.split('"type":"STATE"').length - 1;
      if (seen >= states) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      // A line cut by the kill is not a message Airbyte would have received.
      const complete = stdout.slice(0, stdout.lastIndexOf('\n') + 1);
      resolve({ exitCode, signal, stdout: complete, stderr: '', messages: parseProtocolLines(complete) });
    });
  });
}

/**
 * Records the last checkpoint does not cover: those printed after it, and those printed before it
 * from a response that was then split (records stream out as they arrive) dated after its cursor.
 */
function recordsBeyondLastState(run: CliRun): number {
  const states = messagesOfType(run, 'STATE');
  const cursor = states.at(-1)!.state.stream.stream_state!.date as string;
  return messagesOfType(run, 'RECORD').filter((message) => (message.record.data.date as string) >= cursor)
    .length;
}
