import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { serveLocally, type LocalHandler, type LocalServer } from '../test-support/local-server.js';
import {
  logMessages,
  messagesOfType,
  runCli,
  traces,
  writeJsonFiles,
  type CliRun,
  CLI_PATH,
} from '../test-support/run-cli.js';

// The built CLI against small local servers that answer the way real servers and proxies misbehave.

const TOKEN = 'Qz7xR4mLp2Kw9Tn';
const CATALOG = {
  streams: [
    {
      stream: { name: 'transfers', json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append',
    },
  ],
};
const NGINX_404 =
  '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n' +
  '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: LocalHandler): Promise<string> {
  server = await serveLocally(handler);
  return server.url;
}

function config(baseUrl: string, extra: Record<string, unknown> = {}) {
  return {
    wolkvox_server: '0032',
    wolkvox_token: TOKEN,
    start_date: '2026-01-01',
    end_date: '2026-01-02',
    base_url: baseUrl,
    ...extra,
  };
}

function transfer(i: number) {
  const second = String(i % 60).padStart(2, '0');
  const minute = String(Math.floor(i / 60) % 60).padStart(2, '0');
  const hour = String(Math.floor(i / 3600) % 24).padStart(2, '0');
  return {
    conn_id: `c${i}`,
    transfer_agent_id: '10',
    transfer_agent_name: 'Ana Peña',
    receiver_agent_id: '',
    receiver_agent_name: 'SKILL',
    channel: 'whatsapp',
    date: `2026-01-01 ${hour}:${minute}:${second}`,
  };
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

const success = (records: unknown[]) => ({
  code: 200,
  error: null,
  msg: `${records.length} records were found`,
  data: records,
});

async function read(baseUrl: string, extra: Record<string, unknown> = {}): Promise<CliRun> {
  const files = writeJsonFiles({ config: config(baseUrl, extra), catalog: CATALOG });
  return runCli(['read', '--config', files.config!, '--catalog', files.catalog!]);
}

async function check(configValue: unknown): Promise<CliRun> {
  const files = writeJsonFiles({ config: configValue });
  return runCli(['check', '--config', files.config!]);
}

const recordIds = (run: CliRun): string[] =>
  messagesOfType(run, 'RECORD').map((message) => message.record.data.id as string);
const connIds = (run: CliRun): string[] =>
  messagesOfType(run, 'RECORD').map((message) => message.record.data.conn_id as string);
/** No piece of the token (six characters or more, any letter case) anywhere in the output. */
function expectNoTokenFragment(run: CliRun): void {
  const output = (run.stdout + run.stderr).toLowerCase();
  for (let at = 0; at + 6 <= TOKEN.length; at++) {
    expect(output).not.toContain(TOKEN.slice(at, at + 6).toLowerCase());
  }
}

describe('a 404 that is not Wolkvox (issue 11 §2)', () => {
  it('an nginx 404 page: check FAILED naming base_url and the server, exit 0', async () => {
    const baseUrl = await serve((_request, response) =>
      response.writeHead(404, { 'content-type': 'text/html' }).end(NGINX_404),
    );
    const run = await check(config(baseUrl));
    expect(run.exitCode).toBe(0);
    const status = messagesOfType(run, 'CONNECTION_STATUS')[0]!.connectionStatus;
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain(
      `${baseUrl}/api/v2/reports_manager.php answered HTTP 404 with an HTML page`,
    );
    expect(status.message).toMatch(/`wolkvox_server`.*`base_url`/);
    expect(server?.calls).toBe(1);
  });

  it('an nginx 404 page: read fails with config_error and no STATE moves the cursor', async () => {
    const baseUrl = await serve((_request, response) =>
      response.writeHead(404, { 'content-type': 'text/html' }).end(NGINX_404),
    );
    const run = await read(baseUrl);
    expect(run.exitCode).toBe(1);
    expect(traces(run, 'ERROR')[0]!.trace.error).toMatchObject({
      failure_type: 'config_error',
      message: expect.stringContaining('answered HTTP 404 with an HTML page') as unknown,
    });
    const states = messagesOfType(run, 'STATE').map((message) => message.state.stream.stream_state!.date);
    expect(states.every((date) => date === '2026-01-01 00:00:00')).toBe(true);
    expect(messagesOfType(run, 'RECORD')).toEqual([]);
    expect(server?.calls).toBe(1);
  });

  it('an empty 404 body is refused the same way', async () => {
    const baseUrl = await serve((_request, response) => response.writeHead(404).end());
    const run = await read(baseUrl);
    expect(run.exitCode).toBe(1);
    expect(traces(run, 'ERROR')[0]!.trace.error.message).toContain('answered HTTP 404 with an empty body');
  });
});

describe('envelope codes (issue 11 §2)', () => {
  const records = Array.from({ length: 5 }, (_, i) => transfer(i));

  it('{"data":[…],"code":500} then a success: each record exactly once', async () => {
    const baseUrl = await serve((_request, response, call) => {
      if (call === 1) response.end(`{"data":${JSON.stringify(records)},"code":500}`);
      else json(response, 200, success(records));
    });
    const run = await read(baseUrl);
    expect(run.exitCode).toBe(0);
    expect(connIds(run).sort()).toEqual(records.map((record) => record.conn_id).sort());
    expect(logMessages(run, 'WARN').filter((line) => line.includes('code 500'))).toHaveLength(1);
  });

  it('a body over 1 MiB whose failing code follows data, then a success: each record exactly once', async () => {
    const many = Array.from({ length: 7_000 }, (_, i) => transfer(i));
    const body = `{"data":${JSON.stringify(many)},"code":500}`;
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const baseUrl = await serve((_request, response, call) => {
      if (call === 1) response.end(body);
      else json(response, 200, success(many));
    });
    const run = await read(baseUrl);
    expect(run.exitCode).toBe(0);
    const ids = recordIds(run);
    expect(ids).toHaveLength(many.length);
    expect(new Set(ids).size).toBe(many.length);
    expect(server?.calls).toBe(2);
  });

  it('{"data":[…],"code":"0"} is success', async () => {
    const baseUrl = await serve((_request, response) =>
      response.end(`{"data":${JSON.stringify(records)},"code":"0"}`),
    );
    const run = await read(baseUrl);
    expect(run.exitCode).toBe(0);
    expect(connIds(run)).toHaveLength(5);
    expect(server?.calls).toBe(1);
  });
});

describe('visible retries and rate limits (issue 12)', () => {
  it('maintenance 403s: one WARN per retry, RATE_LIMITED while waiting, RUNNING once it proceeds', async () => {
    const records = [transfer(1), transfer(2)];
    const baseUrl = await serve((_request, response, call) => {
      if (call <= 2) response.writeHead(403, { 'retry-after': '1' }).end();
      else json(response, 200, success(records));
    });
    const run = await read(baseUrl);
    expect(run.exitCode).toBe(0);
    const warnings = logMessages(run, 'WARN');
    expect(warnings).toEqual([
      'transfers (report chat_9, 2025-12-31 23:59:59 to 2026-01-03 00:00:00): attempt 1 of at most 6 failed: HTTP 403: ' +
        "the API is paused (maintenance or server backup), or this address is not on the operation's IP allow-list. " +
        'Next attempt in 1 second.',
      'transfers (report chat_9, 2025-12-31 23:59:59 to 2026-01-03 00:00:00): attempt 2 of at most 6 failed: HTTP 403: ' +
        "the API is paused (maintenance or server backup), or this address is not on the operation's IP allow-list. " +
        'Next attempt in 1 second.',
    ]);
    const statuses = traces(run, 'STREAM_STATUS').map((message) => message.trace.stream_status);
    const limited = statuses.filter((status) => status.reasons !== undefined);
    expect(limited).toHaveLength(2);
    for (const status of limited) {
      expect(status).toMatchObject({
        stream_descriptor: { name: 'transfers' },
        status: 'RUNNING',
        reasons: [{ type: 'RATE_LIMITED', rate_limited: { quota_reset: expect.any(Number) as unknown } }],
      });
    }
    const afterLimits = statuses.slice(statuses.lastIndexOf(limited[1]!) + 1);
    expect(afterLimits[0]).toEqual({ stream_descriptor: { name: 'transfers' }, status: 'RUNNING' });
    expect(statuses.at(-1)!.status).toBe('COMPLETE');
    expect(connIds(run)).toEqual(['c1', 'c2']);
  });

  it('the spent daily quota: RATE_LIMITED until the next local midnight, then transient_error, exit 75', async () => {
    const baseUrl = await serve((_request, response) =>
      json(response, 403, { code: 403, error: 'FORBIDDEN', msg: 'TOKEN LIMIT EXCEEDED', data: null }),
    );
    const before = Date.now();
    const run = await read(baseUrl, { timezone: 'America/Bogota' });
    expect(run.exitCode).toBe(75);
    expect(traces(run, 'ERROR')[0]!.trace.error.failure_type).toBe('transient_error');
    const limited = traces(run, 'STREAM_STATUS').filter((message) => message.trace.stream_status.reasons);
    expect(limited).toHaveLength(1);
    const reset = limited[0]!.trace.stream_status.reasons![0]!.rate_limited!.quota_reset!;
    // Bogota is UTC-5 all year: midnight there is 05:00 UTC, within a day after now.
    expect(new Date(reset).getUTCHours()).toBe(5);
    expect(new Date(reset).getUTCMinutes()).toBe(0);
    expect(reset).toBeGreaterThan(before);
    expect(reset - before).toBeLessThanOrEqual(24 * 3600 * 1000);
    expect(server?.calls).toBe(1);
  });
});

describe('encodings (issue 12)', () => {
  it('Windows-1252 bytes without a charset: names decoded, one WARN with the count', async () => {
    const body = Buffer.from(JSON.stringify(success([transfer(1), transfer(2)])), 'latin1');
    const baseUrl = await serve((_request, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(body),
    );
    const run = await read(baseUrl);
    expect(run.exitCode).toBe(0);
    const names = messagesOfType(run, 'RECORD').map((message) => message.record.data.transfer_agent_name);
    expect(names).toEqual(['Ana Peña', 'Ana Peña']);
    const warnings = logMessages(run, 'WARN').filter((line) => line.includes('Windows-1252'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^1 Wolkvox response held bytes that are not valid UTF-8/);
  });

  it('ISO-8859-1 declared by the charset: names decoded, no warning', async () => {
    const body = Buffer.from(JSON.stringify(success([transfer(1)])), 'latin1');
    const baseUrl = await serve((_request, response) =>
      response.writeHead(200, { 'content-type': 'application/json; charset=ISO-8859-1' }).end(body),
    );
    const run = await read(baseUrl);
    expect(messagesOfType(run, 'RECORD')[0]!.record.data.transfer_agent_name).toBe('Ana Peña');
    expect(logMessages(run, 'WARN')).toEqual([]);
  });

  it('a gzip body without Content-Encoding: an error naming the encoding, not "not valid JSON"', async () => {
    const { gzipSync } = await import('node:zlib');
    const baseUrl = await serve((_request, response) =>
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(gzipSync(JSON.stringify(success([])))),
    );
    const run = await read(baseUrl);
    expect(run.exitCode).toBe(70);
    const message = traces(run, 'ERROR')[0]!.trace.error.message;
    expect(message).toContain('is gzip-compressed without a Content-Encoding header');
    expect(message).not.toContain('not valid JSON');
  });
});

describe('bad input gets a clear answer (issue 12)', () => {
  it.each([
    ['start_date "0026-01-01"', { start_date: '0026-01-01', end_date: undefined }, 'start_date'],
    ['start_date "1969-12-20"', { start_date: '1969-12-20', end_date: undefined }, 'start_date'],
    [
      'a token with an inner line break',
      { wolkvox_token: `${TOKEN.slice(0, 7)}\n${TOKEN.slice(7)}` },
      'wolkvox_token',
    ],
    ['a token that is a number', { wolkvox_token: 12345 }, 'wolkvox_token'],
    ['a required field that is null', { start_date: null }, 'start_date'],
  ])(
    '%s: check FAILED naming the field (exit 0), read config_error (exit 1), no token',
    async (_what, extra, field) => {
      const configValue = config('http://127.0.0.1:9', extra);
      const checked = await check(configValue);
      expect(checked.exitCode).toBe(0);
      const status = messagesOfType(checked, 'CONNECTION_STATUS')[0]!.connectionStatus;
      expect(status.status).toBe('FAILED');
      expect(status.message).toContain(`\`${field}\``);
      expect(checked.stderr).not.toMatch(/^\s+at /m);
      expectNoTokenFragment(checked);
      const files = writeJsonFiles({ config: configValue, catalog: CATALOG });
      const run = await runCli(['read', '--config', files.config!, '--catalog', files.catalog!]);
      expect(run.exitCode).toBe(1);
      expect(traces(run, 'ERROR')[0]!.trace.error).toMatchObject({ failure_type: 'config_error' });
      expect(traces(run, 'ERROR')[0]!.trace.error.message).toContain(`\`${field}\``);
      expect(run.stdout + run.stderr).not.toMatch(/ {4}at /); // no stack trace anywhere
      expectNoTokenFragment(run);
    },
  );

  it('a config file that is not JSON: line and column, no piece of the token', async () => {
    const files = writeJsonFiles({
      config: `{\n  "wolkvox_server": "0032",\n  "wolkvox_token": ${TOKEN},\n  "start_date": "2026-01-01"\n}`,
    });
    const run = await runCli(['check', '--config', files.config!]);
    expect(run.exitCode).toBe(0);
    expect(messagesOfType(run, 'CONNECTION_STATUS')[0]!.connectionStatus.message).toContain(
      'is not valid JSON: line 3, column 20',
    );
    expectNoTokenFragment(run);
  });

  it('a UTF-8 byte-order mark, null and empty optional fields are accepted', async () => {
    const baseUrl = await serve((_request, response) =>
      json(response, 404, { code: 404, error: null, msg: 'Validate dates entered' }),
    );
    const files = writeJsonFiles({ config: '' });
    const configValue = config(baseUrl, {
      end_date: '',
      timezone: null,
      max_retries: null,
      lookback_window_minutes: '',
      max_api_calls_per_sync: null,
    });
    writeFileSync(files.config!, `\ufeff${JSON.stringify(configValue)}`);
    const run = await runCli(['check', '--config', files.config!]);
    expect(messagesOfType(run, 'CONNECTION_STATUS')[0]!.connectionStatus).toMatchObject({
      status: 'SUCCEEDED',
      message: expect.stringContaining('not enabled') as unknown,
    });
  });

  it('a token echoed upper-cased by the server is masked everywhere', async () => {
    const baseUrl = await serve((_request, response) =>
      json(response, 403, {
        code: 403,
        error: 'FORBIDDEN',
        msg: `PLEASE VALIDATE TOKEN ${TOKEN.toUpperCase()}`,
      }),
    );
    const run = await check(config(baseUrl));
    const status = messagesOfType(run, 'CONNECTION_STATUS')[0]!.connectionStatus;
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('PLEASE VALIDATE TOKEN **********');
    expectNoTokenFragment(run);
  });

  it('check with nothing listening says what to verify, not what the next sync does', async () => {
    const baseUrl = await serve(() => undefined);
    await server?.close();
    server = undefined;
    const run = await check(config(baseUrl));
    const message = messagesOfType(run, 'CONNECTION_STATUS')[0]!.connectionStatus.message as string;
    expect(message).toContain(`Could not read from Wolkvox server 0032 at ${baseUrl}: connection failed`);
    expect(message).toMatch(/`wolkvox_server`.*`base_url`.*network.*allow list/);
    expect(message).not.toMatch(/next sync/i);
  });
});

describe('usage errors (issue 12)', () => {
  it.each([
    [
      'read without --catalog',
      (path: string) => ['read', '--config', path],
      /Missing required argument: catalog/,
    ],
    [
      'an unknown flag',
      (path: string) => ['check', '--config', path, '--verbose'],
      /Unknown argument: verbose/,
    ],
    [
      'a flag given twice',
      (path: string) => ['check', '--config', path, '--config', path],
      /--config given more than once/,
    ],
    [
      'read with --state and no file',
      (path: string) => ['read', '--config', path, '--catalog', path, '--state'],
      /Not enough arguments following: state/,
    ],
  ])(
    '%s: usage on stderr, nothing on stdout, exit 2, the command does not run',
    async (_what, args, problem) => {
      const baseUrl = await serve((_request, response) => json(response, 200, success([])));
      const files = writeJsonFiles({ config: config(baseUrl) });
      const result = await runCli(args(files.config!));
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(problem);
      expect(result.stderr).toMatch(/^source-wolkvox (read|check)\n/); // the command's usage
      expect(server?.calls).toBe(0);
    },
  );
});

describe('long escaped values (a reviewer found them filling the heap)', () => {
  it('11,000 transfers each with a different 20 KB name in PHP style (\\u00f1): every record, exit 0', async () => {
    const count = 11_000;
    const name = (i: number) => `${i}-${'Se\\u00f1or Jos\\u00e9, '.repeat(770)}`;
    const element = (i: number) => {
      const record = transfer(i);
      return `{"conn_id":"${record.conn_id}","transfer_agent_id":"1","transfer_agent_name":"${name(i)}","receiver_agent_id":"2","receiver_agent_name":"x","channel":"chat","date":"${record.date}"}`;
    };
    const baseUrl = await serve((request, response) => {
      const api = new URL(request.url!, 'http://localhost').searchParams.get('api');
      if (api !== 'chat_9')
        return json(response, 200, { code: 404, error: '', msg: 'No records found', data: [] });
      response.writeHead(200, { 'content-type': 'application/json' });
      // Streamed in pieces, as a large PHP answer comes: the body is about 150 MB.
      let i = 0;
      const more = () => {
        while (i < count) {
          const piece = `${i === 0 ? '{"code":200,"error":null,"msg":"ok","data":[' : ','}${element(i)}`;
          i += 1;
          if (!response.write(piece)) return void response.once('drain', more);
        }
        response.end(']}');
      };
      more();
    });
    const files = writeJsonFiles({ config: config(baseUrl), catalog: CATALOG });
    const child = spawn(
      process.execPath,
      [CLI_PATH, 'read', '--config', files.config!, '--catalog', files.catalog!],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let records = 0;
    let first: Record<string, unknown> | undefined;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    for await (const line of createInterface({ input: child.stdout })) {
      if (!line.startsWith('{"type":"RECORD"')) continue;
      records += 1;
      first ??= (JSON.parse(line) as { record: { data: Record<string, unknown> } }).record.data;
    }
    const exitCode = await new Promise((resolve) => child.once('exit', resolve));
    expect(stderr).not.toContain('heap');
    expect(exitCode).toBe(0);
    expect(records).toBe(count);
    expect(first?.transfer_agent_name).toBe(JSON.parse(`"${name(0)}"`));
  }, 120_000);
});

describe('check counts what it saw', () => {
  it.each([
    [1, '1 transfer in the last hour.'],
    [2, '2 transfers in the last hour.'],
  ])('%i record(s): "%s"', async (count, said) => {
    const baseUrl = await serve((_request, response) =>
      json(response, 200, success(Array.from({ length: count }, (_, i) => transfer(i)))),
    );
    const run = await check(config(baseUrl));
    expect(run.exitCode).toBe(0);
    const status = messagesOfType(run, 'CONNECTION_STATUS')[0]!.connectionStatus;
    expect(status.status).toBe('SUCCEEDED');
    expect(status.message).toContain(said);
  });
});
