import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseLocal } from '../time/local-time.js';
import { createWolkvoxClient } from './client.js';
import { STREAMING_THRESHOLD_BYTES } from './decode.js';
import { parseRawRecords, type WindowResult } from './types.js';

// A ~100 MB answer (the API allows 256 MB) decoded through the client from a real local server:
// every record must arrive while memory stays far below the body's size.

const RECORD_COUNT = 400_000;
/** A first, smaller read (still past the streaming threshold) takes one-time costs (JIT, buffers) out of the measure. */
const WARM_UP_RECORD_COUNT = 40_000;
const BATCH_SIZE = 1_000;
const MAX_RSS_GROWTH = 60 * 1024 * 1024;

function record(i: number): string {
  return JSON.stringify({
    conn_id: `${1_700_000_000 + i}-chat-${i % 97}`,
    transfer_agent_id: String(1000 + (i % 500)),
    transfer_agent_name: `Agente número ${i % 500} Pérez`,
    receiver_agent_id: i % 7 === 0 ? '' : String(2000 + (i % 300)),
    receiver_agent_name: i % 7 === 0 ? 'SKILL' : `Receptor ${i % 300} Gómez`,
    channel: 'email',
    date: '2026-08-12 15:04:22',
    comment: `pide hablar con un supervisor ${i}`,
  });
}

let server: Server;
let baseUrl: string;
let bodyBytes = 0;

beforeAll(async () => {
  // One batch is built once and sent again and again, so the server (in this same process) allocates
  // next to nothing and the memory measured is the client's.
  const batch = Buffer.from(Array.from({ length: BATCH_SIZE }, (_, i) => record(i)).join(','));
  /** Writes a body of `total` records, waiting for each batch to drain. */
  const respond = async (response: ServerResponse, total: number): Promise<void> => {
    bodyBytes = 0;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write(`{"code":"200","error":null,"msg":"${total} records were found","data":[`);
    for (let sent = 0; sent < total; sent += BATCH_SIZE) {
      if (sent > 0) response.write(',');
      bodyBytes += batch.length;
      if (!response.write(batch)) await once(response, 'drain');
    }
    response.end(']}');
  };
  server = createServer((request, response) => {
    void respond(response, request.url?.includes('api=warm_up') ? WARM_UP_RECORD_COUNT : RECORD_COUNT);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

it('streams a ~100 MB body with bounded memory and loses no record', async () => {
  const client = createWolkvoxClient({ baseUrl, server: '0032', token: 'tok-large-body', maxRetries: 0 });
  const from = parseLocal('2026-08-12 00:00:00') ?? 0;
  let warmUpCount = 0;
  for await (const event of client.readWindow(
    { report: 'warm_up', from, to: from + 86_399 },
    parseRawRecords,
  ))
    if (event.type === 'end') warmUpCount = event.result.recordCount;
  expect(warmUpCount).toBe(WARM_UP_RECORD_COUNT);
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sample = () => void (peak = Math.max(peak, process.memoryUsage().rss));
  const sampler = setInterval(sample, 20);
  let count = 0;
  const started = performance.now();
  try {
    let result: WindowResult | undefined;
    for await (const event of client.readWindow(
      { report: 'chat_9', from, to: from + 86_399 },
      parseRawRecords,
    )) {
      if (event.type === 'restart') throw new Error('no restart expected');
      if (event.type === 'end') result = event.result;
      else {
        count += event.records.length;
        sample();
      }
    }
    expect(result).toEqual({ recordCount: RECORD_COUNT, notFound: false, calls: 1 });
  } finally {
    clearInterval(sampler);
    await client.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const growth = peak - baseline;
  console.info(
    `${(bodyBytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(1)} s (${(bodyBytes / 1e6 / seconds).toFixed(0)} MB/s), ` +
      `peak RSS growth ${(growth / 2 ** 20).toFixed(0)} MiB`,
  );
  expect(bodyBytes).toBeGreaterThan(100e6);
  expect(bodyBytes).toBeGreaterThan(10 * STREAMING_THRESHOLD_BYTES); // far past the whole-body path
  expect(count).toBe(RECORD_COUNT);
  expect(growth).toBeLessThan(MAX_RSS_GROWTH);
}, 30_000);
