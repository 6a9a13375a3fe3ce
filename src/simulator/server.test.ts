import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { formatApiParam, parseLocal, type LocalSeconds } from '../time/local-time.js';
import { generateDataset } from './dataset.js';
import { API_PATH, startSimulator, type RunningSimulator, type SimulatorOptions } from './server.js';
import type { TransferRecord } from './transfer-store.js';

function at(text: string): LocalSeconds {
  const seconds = parseLocal(text);
  if (seconds === undefined) throw new Error(`bad date ${text}`);
  return seconds;
}

const dataset = generateDataset({
  seed: 5,
  from: at('2026-01-01'),
  to: at('2026-01-10 23:59:59'),
  transfersPerDay: 300,
});
const DAY_FROM = at('2026-01-02 00:00:00');
const DAY_TO = at('2026-01-02 23:59:59');
const day2 = dataset.records(DAY_FROM, DAY_TO);

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

async function start(options: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  const simulator = await startSimulator({ dataset, seed: 5, ...options });
  running.push(simulator);
  return simulator;
}

function window(from: LocalSeconds, to: LocalSeconds, api = 'chat_9'): Record<string, string> {
  return { api, date_ini: formatApiParam(from), date_end: formatApiParam(to) };
}

function auth(simulator: RunningSimulator): Record<string, string> {
  return { 'wolkvox-token': simulator.token, wolkvox_server: simulator.wolkvoxServer };
}

async function call(
  simulator: RunningSimulator,
  params: Record<string, string>,
  headers: Record<string, string> = auth(simulator),
) {
  const response = await request(`${simulator.url}${API_PATH}?${new URLSearchParams(params).toString()}`, {
    headers,
  });
  const text = await response.body.text();
  return { status: response.statusCode, text, headers: response.headers };
}

async function callJson(simulator: RunningSimulator, params: Record<string, string>) {
  const { status, text } = await call(simulator, params);
  return { status, body: JSON.parse(text) as { code: unknown; error: unknown; msg: string; data: unknown } };
}

function errorOf(code: number, error: string | null, msg: string): string {
  return JSON.stringify({ code, error, msg, data: null });
}

describe('simulator over HTTP: answers', () => {
  it('answers 200 with the envelope and every record of the window', async () => {
    const simulator = await start();
    const { status, body } = await callJson(simulator, window(DAY_FROM, DAY_TO));
    expect(status).toBe(200);
    expect(body).toEqual({ code: 200, error: null, msg: `${day2.length} records were found`, data: day2 });
  });

  it('answers 401 without the token header, 403 for a wrong token or server', async () => {
    const simulator = await start();
    const noToken = await call(simulator, window(DAY_FROM, DAY_TO), {});
    expect(noToken.status).toBe(401);
    expect(noToken.text).toBe(
      '{"code":401,"error":"UNAUTHORIZED","msg":"PLEASE ENTER THE WOLKVOX-TOKEN","data":null}',
    );
    const wrongToken = await call(simulator, window(DAY_FROM, DAY_TO), { 'wolkvox-token': 'nope' });
    expect(wrongToken.status).toBe(403);
    expect(wrongToken.text).toBe(errorOf(403, 'FORBIDDEN', 'PLEASE VALIDATE TOKEN'));
    const wrongServer = await call(simulator, window(DAY_FROM, DAY_TO), {
      'wolkvox-token': simulator.token,
      wolkvox_server: 'wv0032',
    });
    expect(wrongServer.status).toBe(403);
    // The server header is optional: the host names the server on the live API.
    const noServer = await call(simulator, window(DAY_FROM, DAY_TO), { 'wolkvox-token': simulator.token });
    expect(noServer.status).toBe(200);
  });

  it('answers 400 for an unknown api, missing or malformed parameters and a range over 31 days', async () => {
    const simulator = await start();
    const unknown = await call(simulator, window(DAY_FROM, DAY_TO, 'chat_99'));
    expect(unknown).toMatchObject({
      status: 400,
      text: errorOf(400, 'BAD REQUEST', 'THE API YOU WANT TO CONSULT DOES NOT EXIST'),
    });
    const required = errorOf(400, 'BAD REQUEST', 'SOME PARAMETERS ARE REQUIRED');
    const malformed: Record<string, string>[] = [
      { api: 'chat_9' },
      { api: 'chat_9', date_ini: '20260102000000' },
      { date_ini: '20260102000000', date_end: '20260102235959' },
      { api: 'chat_9', date_ini: '20260230000000', date_end: '20260302235959' },
      { api: 'chat_9', date_ini: '2026-01-02', date_end: '20260102235959' },
      { api: 'chat_9', date_ini: '20260102000000', date_end: '202601022359' },
    ];
    for (const params of malformed) {
      expect(await call(simulator, params)).toMatchObject({ status: 400, text: required });
    }
    const tooLong = await call(simulator, window(at('2026-01-01'), at('2026-02-01 00:00:01')));
    expect(tooLong).toMatchObject({
      status: 400,
      text: errorOf(400, 'BAD REQUEST', 'THE DATE RANGE CANNOT EXCEED 31 DAYS'),
    });
    const exactly31 = await call(simulator, window(at('2026-01-01'), at('2026-02-01 00:00:00')));
    expect(exactly31.status).toBe(200);
  });

  it('answers 404 "Validate dates entered" for an empty window, a reversed one, a report without data', async () => {
    const simulator = await start();
    const notFound = { status: 404, text: errorOf(404, null, 'Validate dates entered') };
    expect(await call(simulator, window(at('2025-06-01'), at('2025-06-30 23:59:59')))).toMatchObject(
      notFound,
    );
    expect(await call(simulator, window(DAY_TO, DAY_FROM))).toMatchObject(notFound);
    expect(await call(simulator, window(DAY_FROM, DAY_TO, 'chat_1'))).toMatchObject(notFound);
  });

  it('sends code as a string, or alternating, when told to', async () => {
    const asString = await start({ code: 'string' });
    expect((await callJson(asString, window(DAY_FROM, DAY_TO))).body.code).toBe('200');
    expect((await call(asString, window(DAY_FROM, DAY_TO), {})).text).toContain('"code":"401"');
    const alternate = await start({ code: 'alternate' });
    const codes = [];
    for (let index = 0; index < 4; index++)
      codes.push((await callJson(alternate, window(DAY_FROM, DAY_TO))).body.code);
    expect(codes).toEqual([200, '200', 200, '200']);
  });

  it('sends a single record as a bare object when told to, lists otherwise', async () => {
    const simulator = await start({ singleObjectData: true });
    const alone = day2.filter((record) => dataset.records(at(record.date), at(record.date)).length === 1)[0];
    if (alone === undefined) throw new Error('the dataset should have a second with one record');
    const single = await callJson(simulator, window(at(alone.date), at(alone.date)));
    expect(single.body).toMatchObject({ msg: '1 records were found', data: alone });
    expect(Array.isArray((await callJson(simulator, window(DAY_FROM, DAY_TO))).body.data)).toBe(true);
  });

  it('escapes non-ASCII as \\u00e9 when told to, decoding to the same records', async () => {
    const simulator = await start({ unicodeEscapes: true });
    const { text } = await call(simulator, window(DAY_FROM, DAY_TO));
    expect(text).toMatch(/\\u00[a-f0-9]{2}/);
    expect([...text].every((char) => char.charCodeAt(0) < 0x80)).toBe(true);
    expect((JSON.parse(text) as { data: TransferRecord[] }).data).toEqual(day2);
  });
});

describe('simulator over HTTP: cap and inclusivity', () => {
  const WEEK_FROM = at('2026-01-01');
  const WEEK_TO = at('2026-01-07 23:59:59');
  const week = dataset.records(WEEK_FROM, WEEK_TO);

  it('truncates silently to the cap, keeping the first records of each order', async () => {
    const ascending = await start({ cap: 50, order: 'ascending' });
    const first = await callJson(ascending, window(WEEK_FROM, WEEK_TO));
    expect(first.body.msg).toBe('50 records were found');
    expect(first.body.data).toEqual(week.slice(0, 50));

    const descending = await start({ cap: 50, order: 'descending' });
    expect((await callJson(descending, window(WEEK_FROM, WEEK_TO))).body.data).toEqual(
      week.slice(-50).reverse(),
    );

    const random = await start({ cap: 50, order: 'random' });
    const shuffled = (await callJson(random, window(WEEK_FROM, WEEK_TO))).body.data as TransferRecord[];
    expect(shuffled).toHaveLength(50);
    const keys = new Set(week.map((record) => JSON.stringify(record)));
    expect(shuffled.every((record) => keys.has(JSON.stringify(record)))).toBe(true);
    expect(shuffled).not.toEqual([...shuffled].sort((a, b) => a.date.localeCompare(b.date)));
    // The same request gives the same subset, as the same SQL query would.
    expect((await callJson(random, window(WEEK_FROM, WEEK_TO))).body.data).toEqual(shuffled);
    expect(random.calls().map((entry) => [entry.records, entry.matched])).toEqual([
      [50, week.length],
      [50, week.length],
    ]);
  });

  it('returns records dated exactly date_ini and date_end unless switched to exclusive', async () => {
    const atStart = dataset.records(DAY_FROM, DAY_FROM).length;
    const atEnd = dataset.records(DAY_TO, DAY_TO).length;
    expect(atStart).toBeGreaterThan(0);
    expect(atEnd).toBeGreaterThan(0);
    const count = async (options: Partial<SimulatorOptions>) =>
      ((await callJson(await start(options), window(DAY_FROM, DAY_TO))).body.data as unknown[]).length;
    expect(await count({})).toBe(day2.length);
    expect(await count({ dateIniInclusive: false })).toBe(day2.length - atStart);
    expect(await count({ dateEndInclusive: false })).toBe(day2.length - atEnd);
    expect(await count({ dateIniInclusive: false, dateEndInclusive: false })).toBe(
      day2.length - atStart - atEnd,
    );
  });
});

describe('simulator over HTTP: token limits and maintenance', () => {
  it('refuses calls over the daily quota with 403 TOKEN LIMIT EXCEEDED until reset', async () => {
    const simulator = await start({ dailyQuota: 3 });
    for (let index = 0; index < 3; index++)
      expect((await call(simulator, window(DAY_FROM, DAY_TO))).status).toBe(200);
    const over = await call(simulator, window(DAY_FROM, DAY_TO));
    expect(over).toMatchObject({ status: 403, text: errorOf(403, 'FORBIDDEN', 'TOKEN LIMIT EXCEEDED') });
    expect(simulator.stats()).toMatchObject({ quotaUsed: 3, byOutcome: { ok: 3, 'quota-exceeded': 1 } });
    await request(`${simulator.url}/__simulator/reset`, { method: 'POST' }).then((response) =>
      response.body.dump(),
    );
    expect((await call(simulator, window(DAY_FROM, DAY_TO))).status).toBe(200);
  });

  it('refuses a third simultaneous request with 403; one at a time never triggers it', async () => {
    const simulator = await start({ latencyMs: 300 });
    const parallel = await Promise.all([1, 2, 3].map(() => call(simulator, window(DAY_FROM, DAY_TO))));
    expect(parallel.map((answer) => answer.status).sort()).toEqual([200, 200, 403]);
    expect(parallel.find((answer) => answer.status === 403)?.text).toBe(
      errorOf(403, 'FORBIDDEN', 'EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)'),
    );
    expect(simulator.stats()).toMatchObject({ maxInFlight: 2, inFlight: 0 });

    simulator.resetStats();
    for (let index = 0; index < 3; index++)
      expect((await call(simulator, window(DAY_FROM, DAY_TO))).status).toBe(200);
    expect(simulator.stats().maxInFlight).toBe(1);
  });

  it('answers 403 with an empty body during maintenance, by rate or for a span', async () => {
    const always = await start({ maintenanceRate: 1 });
    const paused = await call(always, window(DAY_FROM, DAY_TO));
    expect(paused).toMatchObject({ status: 403, text: '' });

    const simulator = await start();
    const started = await request(`${simulator.url}/__simulator/maintenance?seconds=0.2`, { method: 'POST' });
    expect(started.statusCode).toBe(200);
    await started.body.dump();
    expect((await call(simulator, window(DAY_FROM, DAY_TO))).status).toBe(403);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await call(simulator, window(DAY_FROM, DAY_TO))).status).toBe(200);
    expect(simulator.stats().byOutcome).toMatchObject({ maintenance: 1, ok: 1 });
  });
});

describe('simulator control endpoints', () => {
  it('reports stats and calls, appends transfers that the API then serves', async () => {
    const own = generateDataset({
      seed: 9,
      from: at('2026-01-01'),
      to: at('2026-01-01 23:59:59'),
      transfersPerDay: 50,
    });
    const simulator = await start({ dataset: own });
    const last = own.recordAt(own.size - 1);
    await call(simulator, window(at('2026-01-01'), at('2026-01-01 23:59:59')));

    const stats = (await (await request(`${simulator.url}/__simulator/stats`)).body.json()) as Record<
      string,
      unknown
    >;
    expect(stats).toMatchObject({ total: 1, byStatus: { '200': 1 }, dataset: { size: own.size } });
    const calls = await (await request(`${simulator.url}/__simulator/calls`)).body.json();
    expect(calls).toMatchObject([{ call: 1, api: 'chat_9', dateIni: '20260101000000', status: 200 }]);

    const appended = await request(`${simulator.url}/__simulator/append?count=4&until=2026-01-02 08:00:00`, {
      method: 'POST',
    });
    const added = (await appended.body.json()) as {
      appended: number;
      first: TransferRecord;
      last: TransferRecord;
    };
    expect(added).toMatchObject({ appended: 4, first: { date: last.date, conn_id: last.conn_id } });
    expect(added.last.date).toBe('2026-01-02 08:00:00');
    const served = await callJson(simulator, window(at(last.date), at('2026-01-02 08:00:00')));
    expect(served.body.data).toEqual(own.records(at(last.date), at('2026-01-02 08:00:00')));
    expect(served.body.data as TransferRecord[]).toContainEqual(added.first);

    const bad = await request(`${simulator.url}/__simulator/append?count=x`, { method: 'POST' });
    expect(bad.statusCode).toBe(400);
    await bad.body.dump();
    const elsewhere = await request(`${simulator.url}/api/v2/other.php`);
    expect(elsewhere.statusCode).toBe(404);
    await elsewhere.body.dump();
  });

  it('prints a connector config covering the dataset', async () => {
    const simulator = await start({ token: 'secret-token', server: '0010' });
    expect(simulator.connectorConfig()).toEqual({
      wolkvox_server: '0010',
      wolkvox_token: 'secret-token',
      start_date: '2026-01-01',
      end_date: '2026-01-10',
      base_url: simulator.url,
    });
    expect(simulator.connectorConfig({ withEndDate: false })).not.toHaveProperty('end_date');
  });

  it("carries the simulator's time zone and a cap below 60,000, and is reached on loopback from 0.0.0.0", async () => {
    const simulator = await start({ timezone: 'Asia/Tokyo', cap: 500, host: '0.0.0.0' });
    expect(simulator.url).toBe(`http://127.0.0.1:${simulator.port}`);
    expect(simulator.connectorConfig()).toMatchObject({
      timezone: 'Asia/Tokyo',
      records_per_call_limit: 500,
      base_url: simulator.url,
    });
    const atWolkvoxCap = await start({ cap: 60_000 });
    expect(atWolkvoxCap.connectorConfig()).not.toHaveProperty('records_per_call_limit');
    expect(atWolkvoxCap.connectorConfig()).not.toHaveProperty('timezone');
  });
});
