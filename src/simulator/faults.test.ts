import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { formatApiParam, parseLocal } from '../time/local-time.js';
import type { FaultKind } from './call-stats.js';
import { generateDataset } from './dataset.js';
import { API_PATH, startSimulator, type RunningSimulator } from './server.js';

const from = parseLocal('2026-03-02') as number;
const to = parseLocal('2026-03-03 23:59:59') as number;
// Two days of some 3,000 records each: a body of about 1.2 MB, many chunks.
const dataset = generateDataset({ seed: 21, from, to, transfersPerDay: 3_000 });
const QUERY = new URLSearchParams({
  api: 'chat_9',
  date_ini: formatApiParam(from),
  date_end: formatApiParam(to),
});

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

async function withFaults(kinds: FaultKind[], rate: number, seed = 3, slowMs?: number) {
  const simulator = await startSimulator({ dataset, seed, faults: { rate, kinds, slowMs } });
  running.push(simulator);
  return simulator;
}

async function get(simulator: RunningSimulator) {
  const response = await request(`${simulator.url}${API_PATH}?${QUERY.toString()}`, {
    headers: { 'wolkvox-token': simulator.token },
  });
  return { status: response.statusCode, headers: response.headers, body: response.body };
}

async function statuses(simulator: RunningSimulator, calls: number): Promise<number[]> {
  const seen: number[] = [];
  for (let index = 0; index < calls; index++) {
    const { status, body } = await get(simulator);
    await body.dump({ limit: Number.POSITIVE_INFINITY });
    seen.push(status);
  }
  return seen;
}

describe('injected faults', () => {
  it('appear at the configured rate, in the same calls for the same seed', async () => {
    const first = await statuses(await withFaults(['server-error'], 0.25), 80);
    const failed = first.filter((status) => status >= 500).length;
    expect(failed).toBeGreaterThan(8);
    expect(failed).toBeLessThan(32);
    expect(running[0]?.stats().faults['server-error']).toBe(failed);
    expect(await statuses(await withFaults(['server-error'], 0.25), 80)).toEqual(first);
    expect(await statuses(await withFaults(['server-error'], 0.25, 4), 80)).not.toEqual(first);
  });

  it('server-error: a 5xx with an HTML body from the gateway', async () => {
    const { status, headers, body } = await get(await withFaults(['server-error'], 1));
    expect([500, 502, 503, 504]).toContain(status);
    expect(headers['content-type']).toContain('text/html');
    expect(await body.text()).toContain(`<title>${status} `);
  });

  it('reset: the connection breaks in the middle of a 200 body', async () => {
    const simulator = await withFaults(['reset'], 1);
    const { status, body } = await get(simulator);
    expect(status).toBe(200);
    await expect(body.text()).rejects.toThrow();
    expect(simulator.stats().faults.reset).toBe(1);
  });

  it('truncated: the body stops early but the response ends cleanly', async () => {
    const complete = await (await get(await withFaults([], 0))).body.text();
    const { status, body } = await get(await withFaults(['truncated'], 1));
    expect(status).toBe(200);
    const text = await body.text();
    expect(text.length).toBeLessThan(complete.length);
    expect(complete.startsWith(text)).toBe(true);
    expect(() => JSON.parse(text) as unknown).toThrow();
  });

  it('slow: the answer comes after the configured delay, intact', async () => {
    const started = performance.now();
    const { status, body } = await get(await withFaults(['slow'], 1, 3, 300));
    expect(status).toBe(200);
    expect((JSON.parse(await body.text()) as { data: unknown[] }).data).toHaveLength(dataset.size);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });
});
