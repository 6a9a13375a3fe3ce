import { recordingSink } from '../../test-support/recording-sink.js';
import { serveLocally, type LocalServer } from '../../test-support/local-server.js';
import type { IncomingHttpHeaders } from 'node:http';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, SystemError, TransientError } from '../errors/index.js';
import { parseLocal } from '../time/local-time.js';
import { createWolkvoxClient, type WolkvoxClientOptions } from './client.js';
import {
  WolkvoxAuthError,
  WolkvoxEndpointError,
  WolkvoxQuotaError,
  WolkvoxRequestError,
  WolkvoxRetriesExhaustedError,
} from './errors.js';
import { CallBudgetExhaustedError, parseRawRecords } from './types.js';

let ORIGIN = '';
const TOKEN = 'tok-SECRET-7f3a9c1e55';
const PATH = '/api/v2/reports_manager.php?api=chat_9&date_ini=20260812000000&date_end=20260812235959';
const WINDOW = {
  report: 'chat_9',
  from: parseLocal('2026-08-12 00:00:00') ?? 0,
  to: parseLocal('2026-08-12 23:59:59') ?? 0,
};
const RECORDS = [
  { conn_id: '1', transfer_agent_id: '10', receiver_agent_name: 'SKILL', date: '2026-08-12 15:04:22' },
  { conn_id: '2', transfer_agent_id: '11', receiver_agent_name: 'Ana', date: '2026-08-12 15:04:23' },
];
const OK = { code: 200, error: null, msg: '2 records were found', data: RECORDS };

/** A client with a fake clock that only the (instant) sleep advances. */
function setup(options: Partial<WolkvoxClientOptions> = {}) {
  const clock = { now: 1_000_000 };
  const sleeps: number[] = [];
  const client = createWolkvoxClient({
    baseUrl: ORIGIN,
    server: '0032',
    token: TOKEN,
    maxRetries: 5,
    sleep: (ms) => {
      sleeps.push(ms);
      clock.now += ms;
      return Promise.resolve();
    },
    now: () => clock.now,
    random: () => 0.5,
    ...options,
  });
  const { records, restarts, drain } = recordingSink();
  const read = () => drain(client.readWindow(WINDOW, parseRawRecords));
  return { client, clock, sleeps, records, restarts, read };
}

/** A body the server writes in these parts, one event-loop turn apart, so they arrive as separate chunks. */
class Parts {
  constructor(readonly parts: string[]) {}
}

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** The answers the local server gives, in order, and the requests it saw. */
const answers: Answer[] = [];
const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
let server: LocalServer | undefined;

/** Queues answers to GET PATH on the local server: api().get(PATH).twice().reply(503, '')... */
function api() {
  let count = 1;
  const chain = {
    get(path: string) {
      expect(path).toBe(PATH);
      count = 1;
      return chain;
    },
    once: () => chain,
    twice() {
      count = 2;
      return chain;
    },
    times(n: number) {
      count = n;
      return chain;
    },
    reply(status: number, body: unknown = '', headers: Record<string, string> = {}) {
      for (let i = 0; i < count; i += 1) answers.push({ status, body, headers });
      return chain;
    },
  };
  return chain;
}

/** The token must not be anywhere in an error: message, stack, internal message, causes, properties. */
function expectNoToken(error: unknown) {
  expect(error).toBeInstanceOf(Error);
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    expect(e.message).not.toContain(TOKEN);
    expect(e.stack ?? '').not.toContain(TOKEN);
    expect((e as { internalMessage?: string }).internalMessage ?? '').not.toContain(TOKEN);
  }
  expect(inspect(error, { depth: 20 })).not.toContain(TOKEN);
}

beforeAll(async () => {
  server = await serveLocally((request, response) => {
    seen.push({ url: request.url ?? '', headers: request.headers });
    const answer = answers.shift();
    if (!answer || request.url !== PATH) {
      response.writeHead(599).end('unexpected request');
      return;
    }
    if (answer.body instanceof Parts) {
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      const parts = [...answer.body.parts];
      const next = () => {
        const part = parts.shift();
        if (part === undefined) response.end();
        else response.write(part, () => setTimeout(next, 20));
      };
      next();
      return;
    }
    const json = !(typeof answer.body === 'string' || Buffer.isBuffer(answer.body));
    const body = json ? JSON.stringify(answer.body) : (answer.body as string | Buffer);
    response
      .writeHead(answer.status, {
        'content-type': json ? 'application/json' : 'text/html',
        ...answer.headers,
      })
      .end(body);
  });
  ORIGIN = server.url;
});
afterEach(() => {
  const unused = answers.splice(0);
  const requests = seen.splice(0);
  expect(unused).toEqual([]);
  expect(requests.every((request) => request.url === PATH)).toBe(true);
});
afterAll(async () => {
  await server?.close();
});

describe('request', () => {
  it('sends the exact path, query and headers, and never the token in the URL', async () => {
    api().get(PATH).reply(200, OK);
    const { read, records } = setup({ server: 'wv0032' });
    expect(await read()).toEqual({ recordCount: 2, notFound: false, calls: 1 });
    expect(records).toEqual(RECORDS);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe(PATH);
    expect(seen[0]?.headers['wolkvox-token']).toBe(TOKEN);
    expect(seen[0]?.headers.wolkvox_server).toBe('0032');
  });

  it.each(['0032.evil.com', '../', ' 0032', ''])('refuses the server %j before any call', (server) => {
    expect(() => setup({ server })).toThrow(ConfigError);
  });
});

describe('answers', () => {
  it('404 is an empty window: notFound, zero records, one call', async () => {
    api().get(PATH).reply(404, { code: 404, error: null, msg: 'Validate dates entered' });
    const { read, records } = setup();
    expect(await read()).toEqual({ recordCount: 0, notFound: true, calls: 1 });
    expect(records).toEqual([]);
  });

  it('takes code as a string, data as a single object, and keeps unknown fields', async () => {
    const record = { ...RECORDS[0], new_field: 'x', nested: { a: [1] } };
    api().get(PATH).reply(200, { code: '200', error: null, msg: '1 records were found', data: record });
    const { read, records } = setup();
    expect(await read()).toEqual({ recordCount: 1, notFound: false, calls: 1 });
    expect(records).toEqual([record]);
  });

  it.each([
    [401, { code: 401, error: 'UNAUTHORIZED', msg: 'PLEASE ENTER THE WOLKVOX-TOKEN' }],
    [403, { code: 403, error: 'FORBIDDEN', msg: 'PLEASE VALIDATE TOKEN' }],
    [200, { code: '403', error: 'FORBIDDEN', msg: 'please validate token' }],
  ])('HTTP %i %j: config error about token and IP allow-list, one call', async (status, body) => {
    api().get(PATH).reply(status, body);
    const { read, client } = setup();
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WolkvoxAuthError);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/wolkvox_token.*allow-listed IP addresses/);
    expect(client.callsMade).toBe(1);
  });

  it.each([
    [403, { code: 403, error: 'FORBIDDEN', msg: 'TOKEN LIMIT EXCEEDED' }],
    [200, { code: 403, error: 'FORBIDDEN', msg: 'TOKEN LIMIT EXCEEDED', data: null }],
  ])('HTTP %i %j: spent quota stops at once, with exactly one call', async (status, body) => {
    api().get(PATH).once().reply(status, body);
    const { read, client, sleeps } = setup();
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WolkvoxQuotaError);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(
      /daily Wolkvox API quota is spent.*resets at midnight; try again then/,
    );
    expect(client.callsMade).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it.each([
    { code: 400, error: 'BAD REQUEST', msg: 'THE API YOU WANT TO CONSULT DOES NOT EXIST' },
    { code: 400, error: 'BAD REQUEST', msg: 'SOME PARAMETERS ARE REQUIRED' },
  ])('HTTP 400 $msg: system error with the API message, one call', async (body) => {
    api().get(PATH).reply(400, body);
    const { read, client } = setup();
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WolkvoxRequestError);
    expect(error).toBeInstanceOf(SystemError);
    expect((error as Error).message).toContain(`BAD REQUEST: ${body.msg}`);
    expect(client.callsMade).toBe(1);
  });

  it('any other status is a system error with status and message', async () => {
    api().get(PATH).reply(302, 'Moved', { Location: 'https://elsewhere.example' });
    const error = await setup()
      .read()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SystemError);
    expect((error as Error).message).toBe(
      'Unexpected answer from Wolkvox for report chat_9: HTTP 302 Moved.',
    );
  });

  it('an unreadable envelope code is a system error', async () => {
    api().get(PATH).reply(200, { code: 'OK', data: [] });
    const error = await setup()
      .read()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SystemError);
    expect((error as Error).message).toContain('code "OK"');
  });

  it.each([
    [
      'an nginx HTML page',
      '<html><head><title>404 Not Found</title></head><body>nginx</body></html>',
      /HTML page/,
    ],
    ['an empty body', '', /empty body/],
    ['other JSON', { detail: 'Not Found' }, /JSON that is not Wolkvox's answer/],
  ])(
    'HTTP 404 with %s is a config error about the URL, one call, never "no data"',
    async (_what, body, kind) => {
      api().get(PATH).reply(404, body);
      const { read, client, records } = setup();
      const error = await read().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WolkvoxEndpointError);
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toMatch(kind);
      expect(message).toContain(`${ORIGIN}/api/v2/reports_manager.php answered HTTP 404`);
      expect(message).toMatch(/`wolkvox_server`.*`base_url`/);
      expect(client.callsMade).toBe(1);
      expect(records).toEqual([]);
    },
  );

  it.each([0, '0', 201, 202, '200'])('code %j with data is success', async (code) => {
    api()
      .get(PATH)
      .reply(200, { ...OK, code });
    const { read, records } = setup();
    expect(await read()).toEqual({ recordCount: 2, notFound: false, calls: 1 });
    expect(records).toEqual(RECORDS);
  });

  it('code 500 after data, then success: each record handed out once, no restart', async () => {
    api()
      .get(PATH)
      .reply(200, `{"data":${JSON.stringify(RECORDS)},"code":500}`)
      .get(PATH)
      .reply(200, OK);
    const { read, records, restarts } = setup();
    expect(await read()).toEqual({ recordCount: 2, notFound: false, calls: 2 });
    expect(records).toEqual(RECORDS);
    expect(restarts).toEqual([]);
  });

  it.each([
    ['500', ',"code":500}', 'code 500 (in an HTTP 200 answer): server error'],
    // "No records" after records is no such answer: the body is broken.
    [
      '404',
      ',"code":404,"msg":"Validate dates entered"}',
      'code 404 "no records" after records of `data` had been read',
    ],
  ])(
    'a large body with code %s after data: a restart before the records come again',
    async (_code, tail, reason) => {
      api()
        .get(PATH)
        .reply(200, new Parts([`{"data":${JSON.stringify(RECORDS)}`, tail]))
        .get(PATH)
        .reply(200, OK);
      const { read, records, restarts } = setup({ streamingThresholdBytes: 1 });
      expect(await read()).toEqual({ recordCount: 2, notFound: false, calls: 2 });
      expect(records).toEqual([...RECORDS, ...RECORDS]);
      expect(restarts).toEqual([{ attempt: 1, delayMs: 1000, reason }]);
    },
  );

  it('decodes by the declared charset, and counts answers with bytes invalid as UTF-8', async () => {
    const latin1 = Buffer.from('{"code":200,"data":[{"name":"Peña"}]}', 'latin1');
    api()
      .get(PATH)
      .reply(200, latin1, { 'content-type': 'application/json; charset=ISO-8859-1' })
      .get(PATH)
      .reply(200, latin1, { 'content-type': 'application/json' });
    const { read, records, client } = setup();
    await read();
    expect(client.windows1252Responses).toBe(0);
    await read();
    expect(records).toEqual([{ name: 'Peña' }, { name: 'Peña' }]);
    expect(client.windows1252Responses).toBe(1);
  });

  it('a gzip body is a system error naming the encoding, one call', async () => {
    const { gzipSync } = await import('node:zlib');
    api()
      .get(PATH)
      .reply(200, gzipSync(JSON.stringify(OK)));
    const { read, client } = setup();
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WolkvoxRequestError);
    expect((error as Error).message).toMatch(/is gzip-compressed without a Content-Encoding header/);
    expect((error as Error).message).not.toMatch(/not valid JSON/);
    expect(client.callsMade).toBe(1);
  });

  it('an envelope code 404 in an HTTP 200 is an empty window too', async () => {
    api().get(PATH).reply(200, { code: '404', error: null, msg: 'Validate dates entered' });
    expect(await setup().read()).toEqual({ recordCount: 0, notFound: true, calls: 1 });
  });
});

describe('retries', () => {
  it.each([
    [
      '403 simultaneous requests',
      403,
      { code: 403, error: 'FORBIDDEN', msg: 'EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)' },
    ],
    ['403 maintenance (empty body)', 403, ''],
    ['403 maintenance (HTML page)', 403, '<html><h1>Maintenance: backup in progress</h1></html>'],
    ['500', 500, 'oops'],
    ['503', 503, { code: 503, msg: 'Service Unavailable' }],
    ['200 with code "503"', 200, { code: '503', msg: 'busy' }],
    ['a truncated body', 200, '{"code":200,"error":null,"msg":"2","data":[{"conn_id":"1"},{"conn_'],
    ['a non-JSON body', 200, '<html>gateway</html>'],
    ['a body without data', 200, { code: 200, error: null, msg: 'ok' }],
  ])('%s is retried with backoff, then the window succeeds', async (_what, status, body) => {
    api().get(PATH).twice().reply(status, body).get(PATH).reply(200, OK);
    const { read, records, sleeps } = setup();
    expect(await read()).toEqual({ recordCount: 2, notFound: false, calls: 3 });
    expect(records).toEqual(RECORDS);
    expect(sleeps).toEqual([1000, 2000]); // full jitter at random() = 0.5 of 2 s, then 4 s
  });

  it('yields a restart before retrying a failure that came after the body started', async () => {
    api().get(PATH).reply(200, '{"code":200,"data":[{"conn_id":"1"},').get(PATH).reply(200, OK);
    const { read, restarts, records } = setup({ streamingThresholdBytes: 1 });
    expect(await read()).toEqual({ recordCount: 2, notFound: false, calls: 2 });
    expect(restarts).toEqual([
      { attempt: 1, delayMs: 1000, reason: expect.stringMatching(/truncated or non-JSON body/) as unknown },
    ]);
    expect(records).toEqual([{ conn_id: '1' }, ...RECORDS]);
  });

  it('a body with two `data` members is retried as malformed, then fails naming the problem', async () => {
    const body = new Parts([
      '{"code":200,"error":null,"msg":"2","data":[{"conn_id":"1"}],',
      '"data":[{"conn_id":"2"}]}',
    ]);
    api().get(PATH).twice().reply(200, body);
    const { read, restarts, records } = setup({ maxRetries: 1, streamingThresholdBytes: 1 });
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WolkvoxRetriesExhaustedError);
    expect((error as Error).message).toBe(
      'Wolkvox report chat_9 for 2026-08-12 00:00:00 to 2026-08-12 23:59:59 could not be read after 2 attempts; ' +
        'last failure: truncated or non-JSON body (the body has more than one `data` member). ' +
        'The next sync continues from its last state.',
    );
    // Streamed, the first list's element was handed out before the second `data` key came: a restart follows.
    expect(restarts).toEqual([
      {
        attempt: 1,
        delayMs: 1000,
        reason: 'truncated or non-JSON body (the body has more than one `data` member)',
      },
    ]);
    expect(records).toEqual([{ conn_id: '1' }, { conn_id: '1' }]);
  });

  it('yields no restart for a failure before any body', async () => {
    api().get(PATH).reply(503, '').get(PATH).reply(200, OK);
    const { read, restarts } = setup();
    await read();
    expect(restarts).toEqual([]);
  });

  it('honours Retry-After', async () => {
    api().get(PATH).reply(503, '', { 'Retry-After': '7' }).get(PATH).reply(200, OK);
    const { read, sleeps } = setup();
    await read();
    expect(sleeps).toEqual([7000]);
  });

  it('gives up after maxRetries retries with a transient error telling what happened', async () => {
    api().get(PATH).times(4).reply(503, { code: 503, error: 'SERVICE UNAVAILABLE', msg: 'try later' });
    const { read, client, sleeps } = setup({ maxRetries: 3 });
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WolkvoxRetriesExhaustedError);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toBe(
      'Wolkvox report chat_9 for 2026-08-12 00:00:00 to 2026-08-12 23:59:59 could not be read after 4 attempts; ' +
        'last failure: HTTP 503 SERVICE UNAVAILABLE: try later: server error. The next sync continues from its last state.',
    );
    expect(client.callsMade).toBe(4);
    expect(sleeps).toHaveLength(3);
  });

  it('with maxRetries 0 makes exactly one call', async () => {
    api().get(PATH).once().reply(503, '');
    const { read, client } = setup({ maxRetries: 0 });
    await expect(read()).rejects.toThrow(/after 1 attempt;/);
    expect(client.callsMade).toBe(1);
  });

  it('gives up when the total retry time is spent, whatever maxRetries says', async () => {
    api().get(PATH).times(3).reply(503, '');
    const { read, client, sleeps } = setup({
      maxRetries: 10,
      random: () => 0.999,
      retryTiming: { maxTotalMs: 30_000, baseDelayMs: 8_000 },
    });
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WolkvoxRetriesExhaustedError);
    expect((error as Error).message).toMatch(/after 3 attempts within the 30 seconds allowed for one window/);
    expect(sleeps).toEqual([7992, 15984]); // a third sleep of ~32 s would pass 30 s
    expect(client.callsMade).toBe(3);
  });
});

describe('observer', () => {
  it('tells each retry (attempt, reason, condition, delay) and the recovery', async () => {
    api()
      .get(PATH)
      .reply(403, {
        code: 403,
        error: 'FORBIDDEN',
        msg: 'EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)',
      })
      .get(PATH)
      .reply(503, '', { 'Retry-After': '7' })
      .get(PATH)
      .reply(200, OK);
    const events: unknown[] = [];
    const { read, clock } = setup({
      maxRetries: 4,
      observer: {
        onRetry: (event) => events.push({ retry: event }),
        onRecovered: (event) => events.push({ recovered: event }),
      },
    });
    const start = clock.now;
    await read();
    expect(events).toEqual([
      {
        retry: {
          request: WINDOW,
          attempt: 1,
          maxAttempts: 5,
          reason:
            'HTTP 403 FORBIDDEN: EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2): another client is using the same token right now',
          condition: 'throttled',
          delayMs: 1000,
          retryAtMs: start + 1000,
        },
      },
      {
        retry: {
          request: WINDOW,
          attempt: 2,
          maxAttempts: 5,
          reason: 'HTTP 503: server error',
          condition: 'server-error',
          delayMs: 7000,
          retryAtMs: start + 1000 + 7000,
        },
      },
      { recovered: { request: WINDOW, attempts: 3 } },
    ]);
  });

  it('tells the spent quota before failing', async () => {
    api().get(PATH).reply(403, { code: 403, error: 'FORBIDDEN', msg: 'TOKEN LIMIT EXCEEDED' });
    const spent: unknown[] = [];
    const { read } = setup({ observer: { onQuotaSpent: (event) => spent.push(event) } });
    await expect(read()).rejects.toThrow(WolkvoxQuotaError);
    expect(spent).toEqual([{ request: WINDOW }]);
  });

  it('a Retry-After beyond the time left fails at once, naming the seconds asked', async () => {
    api().get(PATH).reply(503, '', { 'Retry-After': '900' });
    const { read, sleeps } = setup();
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WolkvoxRetriesExhaustedError);
    expect((error as Error).message).toContain(
      'after 1 attempt: the API asked to wait 900 seconds (Retry-After) before the next attempt, ' +
        'more than the 600 seconds left of the 10 minutes allowed for one window',
    );
    expect(sleeps).toEqual([]);
  });
});

describe('call budget', () => {
  it('makes exactly N calls, then throws CallBudgetExhaustedError before the next', async () => {
    api().get(PATH).times(3).reply(200, OK);
    const { read, client } = setup({ callBudget: 3 });
    for (let i = 0; i < 3; i += 1) await read();
    await expect(read()).rejects.toThrow(CallBudgetExhaustedError);
    expect(client.callsMade).toBe(3);
  });

  it('counts retries and stops a retrying window at the budget, without sleeping for nothing', async () => {
    api().get(PATH).twice().reply(503, '');
    const { read, client, sleeps } = setup({ callBudget: 2 });
    await expect(read()).rejects.toThrow(CallBudgetExhaustedError);
    expect(client.callsMade).toBe(2);
    expect(sleeps).toHaveLength(1);
  });
});

describe('redaction', () => {
  it.each([
    [403, { code: 403, msg: `PLEASE VALIDATE TOKEN ${TOKEN}` }, 1],
    [503, { code: 503, msg: `bad token ${TOKEN}` }, 3],
    [400, `SOME PARAMETERS ARE REQUIRED (wolkvox-token: ${TOKEN})`, 1],
    [200, `not json ${TOKEN}`, 3],
    [200, `{"code":200,"data":[{"token":"${TOKEN}"}`, 3],
  ])(
    'keeps the token out of every error of an HTTP %i answer that echoes it',
    async (status, body, calls) => {
      api().get(PATH).times(calls).reply(status, body);
      const { read, restarts } = setup({ maxRetries: 2 });
      expectNoToken(await read().catch((e: unknown) => e));
      for (const restart of restarts) expect(restart.reason).not.toContain(TOKEN);
    },
  );

  it('masks the token where an error quotes the API', async () => {
    api()
      .get(PATH)
      .reply(403, { code: 403, error: 'FORBIDDEN', msg: `PLEASE VALIDATE TOKEN ${TOKEN}` });
    await expect(setup().read()).rejects.toThrow('(HTTP 403 FORBIDDEN: PLEASE VALIDATE TOKEN **********)');
  });
});

describe('abort', () => {
  it('stops a retry sleep', async () => {
    api().get(PATH).reply(503, '');
    const controller = new AbortController();
    const { client } = setup({ sleep: undefined, now: undefined, random: () => 1 });
    const reading = recordingSink().drain(client.readWindow(WINDOW, parseRawRecords, controller.signal));
    setTimeout(() => controller.abort(new Error('stop sleeping')), 100);
    await expect(reading).rejects.toThrow('stop sleeping');
  });
});
