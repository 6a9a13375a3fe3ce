import { recordingSink } from '../../test-support/recording-sink.js';
import { serveLocally, type LocalHandler, type LocalServer } from '../../test-support/local-server.js';
import type { ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { TransientError } from '../errors/index.js';
import { parseLocal } from '../time/local-time.js';
import { createWolkvoxClient, type WolkvoxClientOptions } from './client.js';
import { WolkvoxRetriesExhaustedError } from './errors.js';
import { parseRawRecords, type RetryEvent, type WindowResult } from './types.js';

// Network failures (resets, refused connections, timeouts, trickling bodies) on a real local server.

const TOKEN = 'tok-SECRET-7f3a9c1e55';
const WINDOW = {
  report: 'chat_9',
  from: parseLocal('2026-08-12 00:00:00') ?? 0,
  to: parseLocal('2026-08-12 23:59:59') ?? 0,
};
const RECORDS = Array.from({ length: 5 }, (_, i) => ({ conn_id: String(i), receiver_agent_name: 'SKILL' }));
const OK_BODY = JSON.stringify({ code: 200, error: null, msg: '5 records were found', data: RECORDS });

let server: LocalServer | undefined;

/** Serves `handler` on 127.0.0.1; resolves to its URL. */
async function serve(handler: LocalHandler): Promise<string> {
  server = await serveLocally(handler);
  return server.url;
}

afterEach(async () => {
  const running = server;
  server = undefined;
  await running?.close();
});

function setup(baseUrl: string, options: Partial<WolkvoxClientOptions> = {}) {
  const client = createWolkvoxClient({
    baseUrl,
    server: '0032',
    token: TOKEN,
    maxRetries: 2,
    sleep: () => Promise.resolve(),
    random: () => 0.5,
    ...options,
  });
  const { records, restarts, drain } = recordingSink();
  return {
    client,
    records,
    restarts,
    read: (signal?: AbortSignal) => drain(client.readWindow(WINDOW, parseRawRecords, signal)),
  };
}

function ok(response: ServerResponse) {
  response.writeHead(200, { 'content-type': 'application/json' }).end(OK_BODY);
}

describe('network failures', () => {
  it('a reset in the middle of the body: a restart, then every record comes again', async () => {
    const baseUrl = await serve((request, response, call) => {
      if (call > 1) return ok(response);
      const head = OK_BODY.slice(0, OK_BODY.indexOf('{"conn_id":"3"'));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(head, () => setTimeout(() => request.socket.destroy(), 50));
    });
    const { client, read, records, restarts } = setup(baseUrl, { streamingThresholdBytes: 1 });
    try {
      expect(await read()).toEqual({ recordCount: 5, notFound: false, calls: 2 });
    } finally {
      await client.close();
    }
    expect(records).toEqual([...RECORDS.slice(0, 3), ...RECORDS]);
    expect(restarts).toEqual([
      {
        attempt: 1,
        delayMs: 1000,
        reason: expect.stringMatching(
          /^connection failed while reading the body, after 3 records \(/,
        ) as unknown,
      },
    ]);
  });

  it('a refused connection is retried, then reported as transient with the attempts made', async () => {
    const baseUrl = await serve(() => undefined);
    await server?.close(); // free port, nobody listening
    server = undefined;
    const { client, read } = setup(baseUrl);
    const error = await read().catch((e: unknown) => e);
    await client.close();
    expect(error).toBeInstanceOf(WolkvoxRetriesExhaustedError);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(
      /after 3 attempts; last failure: connection failed before an answer \(ECONNREFUSED/,
    );
    expect(client.callsMade).toBe(3);
  });

  it('a response that does not come in time is retried', async () => {
    const baseUrl = await serve((_request, response, call) => {
      if (call > 1) ok(response); // the first request is left hanging
    });
    const dispatcher = new Agent({ headersTimeout: 100 });
    const { read, restarts } = setup(baseUrl, { dispatcher });
    try {
      expect(await read()).toEqual({ recordCount: 5, notFound: false, calls: 2 });
    } finally {
      await dispatcher.destroy();
    }
    expect(restarts).toEqual([]);
  });

  it('keeps the token out of a network error that quotes it', async () => {
    const dispatcher = new Agent({
      connect: (_options, callback) =>
        callback(new Error(`connect failed, headers: wolkvox-token: ${TOKEN}`), null),
    });
    const { read } = setup('http://127.0.0.1:9', { dispatcher });
    const error = await read().catch((e: unknown) => e);
    await dispatcher.destroy();
    expect((error as Error).message).toContain('wolkvox-token: **********');
    for (let e: unknown = error; e instanceof Error; e = e.cause) {
      expect(e.message).not.toContain(TOKEN);
      expect(e.stack).not.toContain(TOKEN);
    }
    expect(inspect(error, { depth: 20 })).not.toContain(TOKEN);
  });
});

describe('deadline of one call', () => {
  it('a body that trickles a byte at a time is cut at the deadline and retried', async () => {
    const baseUrl = await serve((_request, response, call) => {
      if (call > 1) return ok(response);
      response.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const trickle = setInterval(() => {
        if (response.destroyed) return clearInterval(trickle);
        response.write(OK_BODY[sent++ % OK_BODY.length]!);
      }, 30);
      response.on('close', () => clearInterval(trickle));
    });
    const retries: RetryEvent[] = [];
    const { client, read, records } = setup(baseUrl, {
      attemptDeadlineMs: 200,
      observer: { onRetry: (event) => retries.push(event) },
    });
    try {
      expect(await read()).toEqual({ recordCount: 5, notFound: false, calls: 2 });
    } finally {
      await client.close();
    }
    expect(records).toEqual(RECORDS);
    expect(retries.map((event) => [event.condition, event.reason])).toEqual([
      [
        'timeout',
        'no complete answer within 0.2 seconds, the deadline of one call (while reading the body, after 0 records)',
      ],
    ]);
  });

  it('a server that never answers: every attempt ends at the deadline, then a transient error', async () => {
    const baseUrl = await serve(() => undefined);
    const { client, read } = setup(baseUrl, { attemptDeadlineMs: 100, maxRetries: 2 });
    const error = await read().catch((e: unknown) => e);
    await client.close();
    expect(error).toBeInstanceOf(WolkvoxRetriesExhaustedError);
    expect((error as Error).message).toContain(
      'after 3 attempts; last failure: no complete answer within 0.1 seconds, the deadline of one call (before an answer)',
    );
    expect(client.callsMade).toBe(3);
  });

  it('an attempt never runs past the time left of the retry allowance', async () => {
    const baseUrl = await serve(() => undefined);
    const { client, read } = setup(baseUrl, {
      attemptDeadlineMs: 60_000,
      retryTiming: { maxTotalMs: 400 },
      now: () => 5_000,
    });
    const error = await read().catch((e: unknown) => e);
    await client.close();
    expect((error as Error).message).toContain(
      'after 1 attempt within the 0.4 seconds allowed for one window; last failure: no complete answer within 0.4 seconds',
    );
  });

  it('does not count the time the consumer holds the body back', async () => {
    // The body's second half comes 300 ms in, while the consumer holds the first record for 500 ms.
    const cut = OK_BODY.indexOf('{"conn_id":"3"');
    const baseUrl = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(OK_BODY.slice(0, cut));
      setTimeout(() => response.end(OK_BODY.slice(cut)), 300);
    });
    const { client } = setup(baseUrl, { attemptDeadlineMs: 200, streamingThresholdBytes: 1 });
    let held = false;
    let result: WindowResult | undefined;
    for await (const event of client.readWindow(WINDOW, parseRawRecords)) {
      if (event.type === 'end') result = event.result;
      else if (!held) {
        held = true;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    await client.close();
    expect(result).toEqual({ recordCount: 5, notFound: false, calls: 1 });
  });
});

describe('abort', () => {
  it('stops the request in flight and rejects with the reason', async () => {
    const baseUrl = await serve(() => undefined); // never answers
    const { client, read } = setup(baseUrl);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop now')), 50);
    const started = Date.now();
    await expect(read(controller.signal)).rejects.toThrow('stop now');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(client.callsMade).toBe(1);
    await client.close();
  });
});

describe('concurrency', () => {
  it.each([1, 2] as const)('never has more than %i request(s) in flight', async (limit) => {
    let inFlight = 0;
    let peak = 0;
    const baseUrl = await serve((_request, response) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      response.on('close', () => (inFlight -= 1));
      setTimeout(() => ok(response), 30);
    });
    const { client, read } = setup(baseUrl, { maxConcurrentRequests: limit });
    const results = await Promise.all(Array.from({ length: 6 }, () => read()));
    await client.close();
    expect(results.every((result) => result.recordCount === 5)).toBe(true);
    expect(client.callsMade).toBe(6);
    expect(peak).toBe(limit);
  });
});
