import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetDataset } from '../src/simulator/presets.js';
import type { RunningSimulator } from '../src/simulator/server.js';
import { parseLocal } from '../src/time/local-time.js';
import { parseProtocolLines } from '../test-support/protocol-schema.js';
import { messagesOfType, runCli, writeJsonFiles } from '../test-support/run-cli.js';
import { readSync, simulator } from '../test-support/sync-harness.js';

/**
 * The acceptance-test files describe one simulator run:
 *   npm run simulator -- --port 8787 --preset quiet --seed 7 --days 14 --end 2026-01-14
 * These tests start that same simulator (on a free port) and hold the files to what the connector does.
 * UPDATE_FIXTURES=1 rewrites expected_records.jsonl from a real read.
 */
const file = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const json = (name: string): unknown => JSON.parse(readFileSync(file(name), 'utf8'));
const sampleConfig = json('sample_config.json') as Record<string, unknown>;

let sim: RunningSimulator;
let config: Record<string, unknown>;

beforeAll(async () => {
  const dataset = presetDataset('quiet', {
    seed: 7,
    from: parseLocal('2026-01-01')!,
    to: parseLocal('2026-01-14 23:59:59')!,
  });
  sim = await simulator({ dataset, seed: 7 });
  config = { ...sampleConfig, base_url: sim.url };
});
afterAll(() => sim.close());

describe('integration_tests files', () => {
  it('sample_config.json is what the simulator of these files accepts', () => {
    expect(sampleConfig).toMatchObject({ ...sim.connectorConfig(), base_url: 'http://127.0.0.1:8787' });
  });

  it('configured_catalog.json, abnormal_state.json and sample_state.json are valid protocol objects', () => {
    for (const name of ['abnormal_state.json', 'sample_state.json']) {
      const states = json(name) as unknown[];
      expect(Array.isArray(states)).toBe(true);
      parseProtocolLines(states.map((state) => JSON.stringify({ type: 'STATE', state })).join('\n'));
    }
    const catalog = json('configured_catalog.json') as { streams: { stream: { name: string } }[] };
    expect(catalog.streams.map((entry) => entry.stream.name)).toEqual(['transfers']);
  });

  it('expected_records.jsonl is what a read of sample_config.json gives', async () => {
    const run = await readSync(sim, config);
    expect(run.exitCode).toBe(0);
    const records = messagesOfType(run, 'RECORD').map((message) => message.record);
    expect(records.length).toBeGreaterThan(100);
    if (process.env.UPDATE_FIXTURES === '1') {
      const lines = records.map((record) =>
        JSON.stringify({ stream: record.stream, data: record.data, emitted_at: 0 }),
      );
      writeFileSync(file('expected_records.jsonl'), `${lines.join('\n')}\n`);
    }
    const expected = readFileSync(file('expected_records.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { stream: string; data: unknown; emitted_at: number });
    const byId = (a: { data: unknown }, b: { data: unknown }) =>
      String((a.data as { id: string }).id).localeCompare((b.data as { id: string }).id);
    expect(records.map(({ stream, data }) => ({ stream, data })).sort(byId)).toEqual(
      expected.map(({ stream, data }) => ({ stream, data })).sort(byId),
    );
  });

  it('abnormal_state.json yields zero records and one STATE', async () => {
    const run = await readSync(sim, config, json('abnormal_state.json') as unknown[]);
    expect(run.exitCode).toBe(0);
    expect(messagesOfType(run, 'RECORD')).toHaveLength(0);
    expect(messagesOfType(run, 'STATE')).toHaveLength(1);
  });

  it('sample_state.json resumes in the middle of the data', async () => {
    const run = await readSync(sim, config, json('sample_state.json') as unknown[]);
    const dates = messagesOfType(run, 'RECORD').map((message) => message.record.data.date as string);
    expect(dates.length).toBeGreaterThan(0);
    expect(dates.every((date) => date >= '2026-01-07 12:00:00')).toBe(true);
  });

  it('invalid_config.json fails check with exit 0', async () => {
    const run = await runCli(['check', '--config', file('invalid_config.json')]);
    expect(run.exitCode).toBe(0);
    expect(messagesOfType(run, 'CONNECTION_STATUS')[0]!.connectionStatus.status).toBe('FAILED');
  });

  it('the configured catalog reads with full_refresh too, emitting state', async () => {
    const catalog = json('configured_catalog.json') as { streams: Record<string, unknown>[] };
    const fullRefresh = {
      streams: catalog.streams.map((entry) => ({ ...entry, sync_mode: 'full_refresh' })),
    };
    const files = writeJsonFiles({ config, catalog: fullRefresh });
    const run = await runCli(['read', '--config', files.config!, '--catalog', files.catalog!]);
    expect(run.exitCode).toBe(0);
    expect(messagesOfType(run, 'STATE').length).toBeGreaterThan(0);
  });
});
