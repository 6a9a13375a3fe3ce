import { TRANSFER_FIELDS } from '../src/streams/transfers.js';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ConnectorSpecification } from '../src/config/spec.js';
import { messagesOfType, runCli, traces, writeJsonFiles, type CliRun } from '../test-support/run-cli.js';
import { CATALOG_PATH } from '../test-support/sync-harness.js';

const TOKEN = 'tok-SECRET-4f9a1c';
const goodConfig = {
  wolkvox_server: 'wv0032',
  wolkvox_token: TOKEN,
  start_date: '2026-01-01',
  base_url: 'http://127.0.0.1:9',
};
const catalog = {
  streams: [
    {
      stream: { name: 'transfers', json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append',
    },
  ],
};

/** The connection specification of the one SPEC message of a `spec` run. */
const connectionSpecification = (run: CliRun) =>
  (messagesOfType(run, 'SPEC')[0]!.spec as ConnectorSpecification).connectionSpecification;

/** Spec rules of Airbyte's acceptance tests (shared/airbyte-conventions.md). */
function assertAcceptanceRules(schema: unknown, path = '$'): void {
  if (typeof schema !== 'object' || schema === null) return;
  const node = schema as Record<string, unknown>;
  for (const forbidden of ['anyOf', 'allOf', 'not', '$ref', 'patternProperties', 'if', 'then', 'else']) {
    expect(node, `${path} uses ${forbidden}`).not.toHaveProperty(forbidden);
  }
  if (Array.isArray(node.type)) {
    expect(
      node.type.length === 1 || (node.type.length === 2 && node.type.includes('null')),
      `${path}.type`,
    ).toBe(true);
  }
  if ('additionalProperties' in node)
    expect(node.additionalProperties, `${path}.additionalProperties`).toBe(true);
  const properties = (node.properties ?? {}) as Record<string, unknown>;
  for (const [name, property] of Object.entries(properties))
    assertAcceptanceRules(property, `${path}.${name}`);
}

describe('spec', () => {
  it('prints one SPEC that passes the acceptance rules', async () => {
    const run = await runCli(['spec']);
    expect(run.exitCode).toBe(0);
    expect(run.messages).toHaveLength(1);
    const connection = connectionSpecification(run);
    expect(connection.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(connection.required).toEqual(['wolkvox_server', 'wolkvox_token', 'start_date']);
    expect(connection.properties.wolkvox_token!.airbyte_secret).toBe(true);
    assertAcceptanceRules(connection);
    const orders = Object.values(connection.properties).map(
      (property) => (property as { order: number }).order,
    );
    expect(new Set(orders).size).toBe(orders.length);
    for (const property of Object.values(connection.properties)) {
      expect(property.title).toBeTruthy();
      expect(property.description).toBeTruthy();
    }
  });

  it('is a source spec only: no destination or legacy keys', async () => {
    const spec = messagesOfType(await runCli(['spec']), 'SPEC')[0]!.spec;
    expect(Object.keys(spec).sort()).toEqual(['connectionSpecification', 'documentationUrl']);
  });

  it('gives every patterned field a pattern_descriptor the UI shows instead of the regex', async () => {
    const { properties } = connectionSpecification(await runCli(['spec']));
    const descriptors = Object.fromEntries(
      Object.entries(properties)
        .filter(([, property]) => property.pattern !== undefined)
        .map(([name, property]) => [name, property.pattern_descriptor]),
    );
    expect(descriptors).toEqual({
      wolkvox_server: '0032 or wv0032',
      start_date: 'YYYY-MM-DD or YYYY-MM-DD HH:MM:SS',
      end_date: 'YYYY-MM-DD or YYYY-MM-DD HH:MM:SS',
      base_url: 'https://host or https://host/path',
    });
    // Each descriptor describes values its pattern accepts.
    const accepted: Record<string, string[]> = {
      wolkvox_server: ['0032', 'wv0032'],
      start_date: ['2026-08-12', '2026-08-12 15:04:22'],
      end_date: ['2026-08-12', '2026-08-12 15:04:22'],
      base_url: ['https://wv0032.wolkvox.com', 'https://proxy.example.com/wolkvox'],
    };
    for (const [name, values] of Object.entries(accepted)) {
      for (const value of values) expect(value).toMatch(new RegExp(String(properties[name]!.pattern)));
    }
  });

  it('shows the fields a person must decide first and groups the tuning options', async () => {
    const connection = connectionSpecification(await runCli(['spec']));
    const properties = connection.properties;
    const groups = connection.groups as { id: string; title?: string }[];
    expect(groups.map((group) => group.id)).toEqual(['wolkvox', 'range', 'streams', 'tuning']);
    for (const group of groups) expect(group.title).toBeTruthy();
    const members = (id: string) =>
      Object.entries(properties)
        .filter(([, property]) => property.group === id)
        .sort(([, a], [, b]) => Number(a.order) - Number(b.order))
        .map(([name]) => name);
    expect(members('wolkvox')).toEqual(['wolkvox_server', 'wolkvox_token']);
    expect(members('range')).toEqual(['start_date', 'end_date', 'timezone']);
    expect(members('streams')).toEqual(['skill_ids', 'agent_ids', 'campaign_ids', 'aggregate_reread_days']);
    expect(members('tuning')).toEqual([
      'lookback_window_minutes',
      'settle_window_minutes',
      'max_api_calls_per_sync',
      'max_window_days',
      'max_concurrent_requests',
      'max_retries',
      'records_per_call_limit',
      'base_url',
    ]);
    // `group` only on top-level properties, and each one names a declared group.
    for (const property of Object.values(properties)) {
      expect(groups.map((group) => group.id)).toContain(property.group);
    }
    // Optional and still shown: the zone decides every offset.
    expect(connection.required).not.toContain('timezone');
    expect(properties.timezone!.always_show).toBe(true);
    expect(properties.timezone!.description).toMatch(/wrong zone shifts every transferred_at/);
    // Tuning fields are all optional, so the UI folds them under "Optional fields".
    for (const name of members('tuning')) expect(connection.required).not.toContain(name);
  });

  it('says in the form where the server and token are found, the IP allow list and the daily quota', async () => {
    const { properties } = connectionSpecification(await runCli(['spec']));
    const text = (name: string) => String(properties[name]!.description);
    expect(text('wolkvox_server')).toContain('wv{server}.wolkvox.com');
    expect(text('wolkvox_token')).toContain(
      'Wolkvox Manager: Configuration (gear, top right) > Integrations > Tokens',
    );
    expect(text('wolkvox_token')).toContain('IP allow list');
    expect(text('wolkvox_token')).toContain('licences x 1,000 calls');
    expect(text('max_api_calls_per_sync')).toContain('licences x 1,000 calls');
  });
});

describe('discover', () => {
  it('prints the transfers stream', async () => {
    const files = writeJsonFiles({ config: goodConfig });
    const run = await runCli(['discover', '--config', files.config!]);
    expect(run.exitCode).toBe(0);
    const stream = messagesOfType(run, 'CATALOG')[0]!.catalog.streams[0]!;
    expect(stream).toMatchObject({
      name: 'transfers',
      supported_sync_modes: ['full_refresh', 'incremental'],
      source_defined_cursor: true,
      default_cursor_field: ['date'],
      source_defined_primary_key: [['id']],
      is_resumable: true,
    });
    const fields = Object.keys(stream.json_schema.properties as Record<string, unknown>);
    for (const field of [...TRANSFER_FIELDS, 'id', 'transferred_at']) {
      expect(fields).toContain(field);
    }
    assertAcceptanceRules(stream.json_schema);
  });

  it('refuses a bad config with a config_error naming the field, exit 1', async () => {
    const files = writeJsonFiles({ config: { ...goodConfig, start_date: '2026/01/01' } });
    const run = await runCli(['discover', '--config', files.config!]);
    expect(run.exitCode).toBe(1);
    const [error] = traces(run, 'ERROR');
    expect(error!.trace.error.failure_type).toBe('config_error');
    expect(error!.trace.error.message).toContain('start_date');
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });
});

describe('check with bad input', () => {
  const cases: [string, unknown, string][] = [
    ['missing token', { ...goodConfig, wolkvox_token: undefined }, 'wolkvox_token'],
    ['hostile server', { ...goodConfig, wolkvox_server: '0032.evil.com' }, 'wolkvox_server'],
    ['unknown time zone', { ...goodConfig, timezone: 'Mars/Olympus' }, 'timezone'],
    ['impossible date', { ...goodConfig, start_date: '2026-02-30' }, 'start_date'],
    ['end before start', { ...goodConfig, end_date: '2025-12-31' }, 'end_date'],
    ['plain http to a remote host', { ...goodConfig, base_url: 'http://example.com' }, 'base_url'],
    ['config that is not an object', [1, 2], 'JSON object'],
  ];
  for (const [title, config, expected] of cases) {
    it(`${title}: CONNECTION_STATUS FAILED, exit 0`, async () => {
      const files = writeJsonFiles({ config });
      const run = await runCli(['check', '--config', files.config!]);
      expect(run.exitCode).toBe(0);
      expect(run.messages).toHaveLength(1);
      const status = messagesOfType(run, 'CONNECTION_STATUS')[0]!.connectionStatus;
      expect(status.status).toBe('FAILED');
      expect(status.message).toContain(expected);
      expect(run.stdout + run.stderr).not.toContain(TOKEN);
    });
  }

  it('a config file that is not JSON', async () => {
    const files = writeJsonFiles({ config: '{"wolkvox_token": "tok-SECRET-4f9a1c", ' });
    const run = await runCli(['check', '--config', files.config!]);
    expect(run.exitCode).toBe(0);
    expect(messagesOfType(run, 'CONNECTION_STATUS')[0]!.connectionStatus.message).toContain('not valid JSON');
  });

  it('a config file that does not exist', async () => {
    const run = await runCli(['check', '--config', '/nonexistent/config.json']);
    expect(messagesOfType(run, 'CONNECTION_STATUS')[0]!.connectionStatus.message).toContain('does not exist');
  });
});

describe('read with bad input', () => {
  it('a catalog that is not a catalog', async () => {
    const files = writeJsonFiles({ config: goodConfig, catalog: { streams: 'no' } });
    const run = await runCli(['read', '--config', files.config!, '--catalog', files.catalog!]);
    expect(run.exitCode).toBe(1);
    expect(traces(run, 'ERROR')[0]!.trace.error).toMatchObject({ failure_type: 'config_error' });
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('a state that is unusable', async () => {
    const files = writeJsonFiles({ config: goodConfig, catalog, state: '"yesterday"' });
    const run = await runCli([
      'read',
      '--config',
      files.config!,
      '--catalog',
      files.catalog!,
      '--state',
      files.state!,
    ]);
    expect(run.exitCode).toBe(1);
    expect(traces(run, 'ERROR')[0]!.trace.error.message).toContain('state');
  });

  it('an unknown stream gives an ERROR trace naming it and a non-zero exit', async () => {
    const unknown = {
      streams: [{ ...catalog.streams[0], stream: { ...catalog.streams[0]!.stream, name: 'calls' } }],
    };
    const files = writeJsonFiles({ config: goodConfig, catalog: unknown });
    const run = await runCli(['read', '--config', files.config!, '--catalog', files.catalog!]);
    expect(run.exitCode).not.toBe(0);
    const [error] = traces(run, 'ERROR');
    expect(error!.trace.error.stream_descriptor).toEqual({ name: 'calls' });
    expect(error!.trace.error.message).toContain('calls');
  });
});

describe('command line', () => {
  it('--version prints the package version', async () => {
    const { spawnSync } = await import('node:child_process');
    const { CLI_PATH } = await import('../test-support/run-cli.js');
    const result = spawnSync(process.execPath, [CLI_PATH, '--version'], { encoding: 'utf8' });
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('--help prints whole lines: no word cut at a width the terminal did not ask for', async () => {
    const { spawnSync } = await import('node:child_process');
    const { CLI_PATH } = await import('../test-support/run-cli.js');
    const result = spawnSync(process.execPath, [CLI_PATH, '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('\nAirbyte source for the Wolkvox Reports Manager API.\n');
    for (const command of ['spec', 'check', 'discover', 'read'])
      expect(result.stdout).toContain(`source-wolkvox ${command}`);
    const simulator = fileURLToPath(new URL('../dist/simulator/cli.js', import.meta.url));
    const help = spawnSync(process.execPath, [simulator, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const endpoint of ['GET /__simulator/stats', 'GET /__simulator/calls', 'POST /__simulator/reset'])
      expect(help.stdout).toContain(endpoint);
  });

  it('an unknown command fails with usage on stderr and nothing on stdout', async () => {
    const { spawnSync } = await import('node:child_process');
    const { CLI_PATH } = await import('../test-support/run-cli.js');
    const result = spawnSync(process.execPath, [CLI_PATH, 'sing'], { encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Unknown argument');
  });
});

describe('the simulator command', () => {
  it('prints a connector config with its time zone and cap, which reads every transfer it serves', async () => {
    const cli = fileURLToPath(new URL('../dist/simulator/cli.js', import.meta.url));
    const args = [
      '--timezone',
      'Asia/Tokyo',
      '--cap',
      '20',
      '--days',
      '2',
      '--preset',
      'quiet',
      '--host',
      '0.0.0.0',
    ];
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const printed = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk;
          if (/Connector config:\n\{[\s\S]*?\n\}\n/.test(stdout)) resolve(stdout);
        });
        child.once('exit', (code) => reject(new Error(`the simulator exited (${code}): ${stdout}`)));
      });
      const config = JSON.parse(/Connector config:\n(\{[\s\S]*?\n\})\n/.exec(printed)![1]!) as Record<
        string,
        unknown
      >;
      expect(config).toMatchObject({ timezone: 'Asia/Tokyo', records_per_call_limit: 20 });
      expect(config.base_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // The data ends at "now" in Tokyo: a connector on Bogota's clock (14 hours behind) would stop short.
      const served = Number(/: (\d+) transfers, /.exec(printed)![1]);
      expect(served).toBeGreaterThan(20);
      const files = writeJsonFiles({ config });
      const run = await runCli(['read', '--config', files.config!, '--catalog', CATALOG_PATH]);
      expect(run.exitCode).toBe(0);
      expect(messagesOfType(run, 'RECORD')).toHaveLength(served);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
