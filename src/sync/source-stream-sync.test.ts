import { afterEach, describe, expect, it } from 'vitest';
import { RecordingOutput } from '../../test-support/recording-output.js';
import { smsDetailRow, startReportServer, type ReportServer } from '../../test-support/report-server.js';
import { projections, servedKeys, simulatorRows } from '../../test-support/report-rows.js';
import { at, syncConfig } from '../../test-support/sync-config.js';
import type { ConnectorConfig } from '../config/config.js';
import { ConfigError } from '../errors/index.js';
import { generateDataset } from '../simulator/dataset.js';
import { reportDataFor } from '../simulator/report-data.js';
import { startSimulator, type RunningSimulator } from '../simulator/server.js';
import { sourceStreams } from '../streams/source-streams.js';
import { createWolkvoxClient, type WolkvoxClient } from '../wolkvox/client.js';
import { partitionStates, syncSourceStream } from './source-stream-sync.js';

const dataset = generateDataset({
  seed: 8,
  from: at('2026-03-02'),
  to: at('2026-03-03 23:59:59'),
  transfersPerDay: 40,
});
const data = reportDataFor(dataset, { denseReports: {}, eventsPerDay: 80 });

let sim: RunningSimulator | undefined;
let server: ReportServer | undefined;
let client: WolkvoxClient | undefined;
afterEach(async () => {
  await client?.close();
  await sim?.close();
  await server?.close();
  sim = client = server = undefined;
});

function connect(config: ConnectorConfig): ConnectorConfig {
  client = createWolkvoxClient({
    baseUrl: config.baseUrl,
    server: config.server,
    token: config.token,
    maxRetries: 0,
    callBudget: config.callBudget,
  });
  return config;
}

async function simulated(overrides: Partial<ConnectorConfig> = {}): Promise<ConnectorConfig> {
  sim = await startSimulator({ dataset, seed: 2, reportData: data });
  return connect(
    syncConfig({
      baseUrl: sim.url,
      token: sim.token,
      startDate: at('2026-03-02'),
      endDate: at('2026-03-03 23:59:59'),
      skillIds: ['101', '102'],
      recordsPerCallLimit: 60_000,
      ...overrides,
    }),
  );
}

async function sync(
  config: ConnectorConfig,
  name: string,
  state?: unknown,
  syncMode: 'incremental' | 'full_refresh' = 'incremental',
) {
  const stream = sourceStreams(config).find((entry) => entry.name === name)!;
  const output = new RecordingOutput();
  const summary = await syncSourceStream({
    stream,
    client: client!,
    config,
    syncMode,
    state,
    output,
    now: () => Date.UTC(2026, 5, 1),
  });
  return { output, summary };
}

describe('partitionStates', () => {
  it('reads no state, the full-refresh marker and partitions; refuses other shapes', () => {
    expect(partitionStates('s', undefined)).toEqual({});
    expect(partitionStates('s', {})).toEqual({});
    expect(partitionStates('s', { __ab_full_refresh_sync_complete: true })).toEqual({});
    expect(partitionStates('s', { partitions: { 101: { date: 'x' } } })).toEqual({ 101: { date: 'x' } });
    expect(() => partitionStates('s', { date: '2026-03-02 00:00:00' })).toThrow(
      new ConfigError(
        'The saved state of stream "s" is unusable: a partitioned stream\'s state is {"partitions": ' +
          '{"<parameter value>": <its state>}}, got an object with the key "date" (an event stream\'s state). ' +
          'Reset (clear) the data of this stream in Airbyte so that it is read again from start_date, or ' +
          "correct the stream's state in the connection's settings.",
      ),
    );
    expect(() => partitionStates('s', 'x')).toThrow(/unusable/);
  });
});

describe('syncSourceStream', () => {
  it('reads each partition with its own state and parameter, exactly once across syncs', async () => {
    const config = await simulated();
    const first = await sync(config, 'abandoned_calls');
    for (const skill of ['101', '102']) {
      const expected = simulatorRows(data, 'skill_2', at('2026-03-02'), at('2026-03-03 23:59:59'), skill);
      expect(expected.length).toBeGreaterThan(0);
      const keys = servedKeys(expected);
      const delivered = first.output.delivered.filter((record) => record.requested_skill_id === skill);
      expect(projections(delivered, keys)).toEqual(projections(expected, keys));
    }
    const calls = sim!.calls();
    expect(new Set(calls.map((call) => call.api))).toEqual(new Set(['skill_2']));
    const finalState = first.output.states.at(-1)!.state as { partitions: Record<string, { date: string }> };
    expect(Object.keys(finalState.partitions).sort()).toEqual(['101', '102']);
    expect(finalState.partitions['101']!.date).toMatch(/^2026-03-0[34] /);
    const again = await sync(config, 'abandoned_calls', finalState);
    expect(again.output.delivered).toEqual([]);
    expect(again.summary.calls).toBeGreaterThan(0);
  });

  it('resumes a partitioned full refresh: finished partitions are not read again', async () => {
    const config = await simulated();
    const state = {
      partitions: {
        101: { __ab_full_refresh_sync_complete: true },
        102: { report_date: '2026-03-02', full_refresh_in_progress: true },
      },
    };
    const { output } = await sync(config, 'skill_service_level_by_hour', state, 'full_refresh');
    expect(sim!.calls().map((call) => call.dateIni)).toEqual(['20260303000000']);
    expect(
      output.delivered.every(
        (record) => record.requested_skill_id === '102' && record.report_date === '2026-03-03',
      ),
    ).toBe(true);
    expect(output.states.at(-1)!.state).toEqual({
      partitions: {
        101: { __ab_full_refresh_sync_complete: true },
        102: { __ab_full_refresh_sync_complete: true },
      },
    });
  });

  it('at the call budget stops the stream cleanly; the partitions not read keep their state', async () => {
    const config = await simulated({ callBudget: 2 });
    const earlier = { report_date: '2026-03-01' };
    const { output, summary } = await sync(config, 'skill_service_level_by_hour', {
      partitions: { 102: earlier },
    });
    expect(summary).toMatchObject({ budgetExhausted: true, calls: 2 });
    expect(output.states.at(-1)!.state).toEqual({
      partitions: { 101: { report_date: '2026-03-03' }, 102: earlier },
    });
  });

  it('passes fields the schema does not declare through and names them once at WARN', async () => {
    server = await startReportServer([
      smsDetailRow('2026-03-02 09:00:00', { carrier: 'Claro' }),
      smsDetailRow('2026-03-02 10:00:00', { carrier: 'Tigo', segments: '2' }),
      smsDetailRow('2026-03-02 11:00:00', {}),
    ]);
    const config = connect(
      syncConfig({
        baseUrl: server.baseUrl,
        token: server.token,
        startDate: at('2026-03-02'),
        endDate: at('2026-03-02 23:59:59'),
      }),
    );
    const { output, summary } = await sync(config, 'sms_details');
    expect(output.delivered.map((record) => [record.carrier, record.segments])).toEqual([
      ['Claro', undefined],
      ['Tigo', '2'],
      [undefined, undefined],
    ]);
    const warnings = output.logs('WARN').filter((message) => message.includes('does not declare'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^sms_details: .*: carrier, segments\. /);
    expect(summary.undeclared).toEqual(['carrier', 'segments']);
  });
});
