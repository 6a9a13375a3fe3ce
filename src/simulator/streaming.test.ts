import type { Socket } from 'node:net';
import { request } from 'undici';
import { afterAll, expect, it } from 'vitest';
import { formatApiParam, parseLocal } from '../time/local-time.js';
import { generateDataset } from './dataset.js';
import { API_PATH, startSimulator } from './server.js';

const from = parseLocal('2026-02-02') as number;
const to = parseLocal('2026-02-11 23:59:59') as number;
const dataset = generateDataset({ seed: 8, from, to, transfersPerDay: 11_000 });
const simulator = await startSimulator({ dataset, cap: 1_000_000 });
afterAll(() => simulator.close());

function heapAndBuffers(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

it('streams a 100k-record body in chunks, with backpressure, without building it whole', async () => {
  expect(dataset.size).toBeGreaterThan(100_000);
  const sockets: Socket[] = [];
  simulator.server.on('connection', (socket: Socket) => sockets.push(socket));
  const query = new URLSearchParams({
    api: 'chat_9',
    date_ini: formatApiParam(from),
    date_end: formatApiParam(to),
  });
  const baseline = heapAndBuffers();
  const response = await request(`${simulator.url}${API_PATH}?${query.toString()}`, {
    headers: { 'wolkvox-token': simulator.token },
  });
  expect(response.statusCode).toBe(200);

  let bytes = 0;
  let chunks = 0;
  let tail = '';
  let writtenWhilePaused = 0;
  let peakWhilePaused = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    tail = (tail + chunk.toString('latin1')).slice(-2);
    if (chunks++ === 0) {
      // A slow reader: the server must wait for it instead of queueing the rest of the body.
      await new Promise((resolve) => setTimeout(resolve, 300));
      writtenWhilePaused = sockets[0]?.bytesWritten ?? Number.NaN;
      peakWhilePaused = heapAndBuffers() - baseline;
    }
  }
  expect(tail).toBe(']}');
  expect(simulator.stats().recordsServed).toBe(dataset.size);
  expect(bytes).toBeGreaterThan(100_000 * 150);
  expect(chunks).toBeGreaterThan(50);
  expect(writtenWhilePaused).toBeLessThan(bytes / 2);
  expect(peakWhilePaused).toBeLessThan(bytes / 2);
});
