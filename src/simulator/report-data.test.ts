import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { factsOf } from '../../test-support/report-facts.js';
import { REPORT_DEFINITIONS } from '../streams/report-definitions.js';
import { reportSchema } from '../streams/report-schema.js';
import { shapeReportAggregate, shapeReportEvent } from '../streams/report-shape.js';
import { formatApiParam, parseLocal, type LocalSeconds } from '../time/local-time.js';
import { OffsetFormatter } from '../time/zone.js';
import { generateDataset } from './dataset.js';
import { reportDataFor, type ReportDataOptions } from './report-data.js';
import { API_PATH, startSimulator, type RunningSimulator, type SimulatorOptions } from './server.js';

function at(text: string): LocalSeconds {
  const seconds = parseLocal(text);
  if (seconds === undefined) throw new Error(`bad date ${text}`);
  return seconds;
}

// 2026-03-02 is a Monday.
const dataset = generateDataset({
  seed: 11,
  from: at('2026-03-01'),
  to: at('2026-03-14 23:59:59'),
  transfersPerDay: 50,
});
const MONDAY = { from: at('2026-03-02'), to: at('2026-03-02 23:59:59') };
const TUESDAY = { from: at('2026-03-03'), to: at('2026-03-03 23:59:59') };
const BOTH = { from: MONDAY.from, to: TUESDAY.to };

type Row = Record<string, unknown>;
interface Answer {
  status: number;
  text: string;
  body: { code: unknown; error: unknown; msg: string; data: Row[] | null };
}

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

async function start(
  options: Partial<SimulatorOptions> = {},
  data: Partial<Omit<ReportDataOptions, 'agents'>> = {},
): Promise<RunningSimulator> {
  const simulator = await startSimulator({
    dataset,
    seed: 11,
    reportData: reportDataFor(dataset, data),
    ...options,
  });
  running.push(simulator);
  return simulator;
}

async function ask(
  simulator: RunningSimulator,
  api: string,
  window: { from: LocalSeconds; to: LocalSeconds },
  extra: Record<string, string> = {},
): Promise<Answer> {
  const params = new URLSearchParams({
    api,
    date_ini: formatApiParam(window.from),
    date_end: formatApiParam(window.to),
    ...extra,
  });
  const response = await request(`${simulator.url}${API_PATH}?${params.toString()}`, {
    headers: { 'wolkvox-token': simulator.token, wolkvox_server: simulator.wolkvoxServer },
  });
  const text = await response.body.text();
  let body: Answer['body'] = { code: null, error: null, msg: '', data: null };
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    // a cut body: the test looks at `text`
  }
  return { status: response.statusCode, text, body };
}

async function rows(
  simulator: RunningSimulator,
  api: string,
  window: { from: LocalSeconds; to: LocalSeconds },
  extra = {},
) {
  const answer = await ask(simulator, api, window, extra);
  expect(answer.status, `${api}: ${answer.text.slice(0, 200)}`).toBe(200);
  return answer.body.data as Row[];
}

function seconds(duration: unknown): number {
  const [h, m, s] = String(duration).split(':').map(Number);
  return (h as number) * 3600 + (m as number) * 60 + (s as number);
}

describe('simulator: every report', () => {
  it('answers an event report with rows dated inside the window, ascending, with the example keys', async () => {
    const simulator = await start();
    const window = { from: at('2026-03-02 09:00:00'), to: at('2026-03-02 11:59:59') };
    const answer = await ask(simulator, 'cdr_11', window);
    const data = answer.body.data as Row[];
    expect(answer.body).toMatchObject({ code: 200, error: null, msg: `${data.length} records were found` });
    expect(data.length).toBeGreaterThan(5);
    const dates = data.map((row) => at(String(row.date)));
    expect(dates.every((date) => date >= window.from && date <= window.to)).toBe(true);
    expect(dates).toEqual([...dates].sort((a, b) => a - b));
    // The example sends name_agent where the documentation says agent_name.
    for (const row of data) expect(Object.keys(row)).toEqual(factsOf('cdr_11').example_keys);
    const chat13 = await rows(simulator, 'chat_13', MONDAY);
    expect(Object.keys(chat13[0] as Row)).toEqual(['chanel', 'interaction']);
    const chat1 = await rows(simulator, 'chat_1', MONDAY);
    expect(chat1[0]).toHaveProperty(['agent_anwers ']);
  });

  it('sends accented agent names, ids that match them, durations and the empty-value quirks', async () => {
    const simulator = await start();
    const data = await rows(simulator, 'agent_13', MONDAY);
    const roster = new Map(dataset.agents.map((agent) => [agent.id, agent.name]));
    for (const row of data) {
      expect(roster.get(String(row.agent_id))).toBe(row.agent_name);
      expect(row.time).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    }
    expect(data.some((row) => /[áéíóúñÁÉÍÓÚÑ]/.test(String(row.agent_name)))).toBe(true);
    const calls = await rows(simulator, 'cdr_5', BOTH);
    const customerIds = new Set(calls.map((row) => row.customer_id));
    expect(['', ' ', '-'].filter((quirk) => calls.some((row) => Object.values(row).includes(quirk)))).toEqual(
      ['', ' ', '-'],
    );
    expect(customerIds.size).toBeGreaterThan(10);
  });

  it('sums a range aggregate over two days from the two days', async () => {
    const simulator = await start();
    const byAgent = (data: Row[]) => new Map(data.map((row) => [String(row.agent_id), row]));
    const monday = byAgent(await rows(simulator, 'agent_1', MONDAY));
    const tuesday = byAgent(await rows(simulator, 'agent_1', TUESDAY));
    const both = byAgent(await rows(simulator, 'agent_1', BOTH));
    expect(both.size).toBeGreaterThan(3);
    expect([...both.keys()].sort()).toEqual([...new Set([...monday.keys(), ...tuesday.keys()])].sort());
    for (const [agent, row] of both) {
      const parts = [monday.get(agent), tuesday.get(agent)];
      for (const field of ['calls', 'inbound', 'outbound', 'internal', 'hits'])
        expect(Number(row[field]), field).toBe(
          parts.reduce((sum, part) => sum + Number(part?.[field] ?? 0), 0),
        );
      for (const field of ['ready_time', 'acw_time', 'login_time'])
        expect(seconds(row[field]), field).toBe(
          parts.reduce((sum, part) => sum + seconds(part?.[field] ?? '00:00:00'), 0),
        );
      expect(row.agent_name).toBe(parts.find(Boolean)?.agent_name);
    }
  });

  it('keeps abandoned calls a small share of inbound calls', async () => {
    const simulator = await start();
    const days = await rows(
      simulator,
      'skill_3',
      { from: MONDAY.from, to: at('2026-03-07 23:59:59') },
      { skill_id: '104' },
    );
    expect(days.map((row) => row.date)).toEqual([
      '2026-03-02',
      '2026-03-03',
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
    ]);
    for (const row of days) expect(Number(row.abandon_calls) * 3).toBeLessThan(Number(row.inbound_calls));
  });

  it('answers a time-bucketed report with one row per bucket inside the range', async () => {
    const simulator = await start();
    const hourly = await rows(simulator, 'agent_8', BOTH);
    const keys = hourly.map((row) => `${String(row.date)} ${String(row.hour)} ${String(row.agent_id)}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(hourly.map((row) => row.date))).toEqual(new Set(['2026-03-02', '2026-03-03']));
    expect(hourly.every((row) => /^\d{2}:00$/.test(String(row.hour)))).toBe(true);
    const morning = await rows(
      simulator,
      'skill_4_2',
      { from: at('2026-03-02 10:00:00'), to: at('2026-03-02 10:59:59') },
      { skill_id: '101' },
    );
    expect(morning.map((row) => row.hour)).toEqual(['10:00', '10:10', '10:20', '10:30', '10:40', '10:50']);
    const skill = { skill_id: '101' };
    const monday = await rows(simulator, 'skill_4', MONDAY, skill);
    const tuesday = await rows(simulator, 'skill_4', TUESDAY, skill);
    const both = await rows(simulator, 'skill_4', BOTH, skill);
    // skill_4 buckets by hour of day only: over two days each hour sums both days.
    const calls = (data: Row[], hour: unknown) =>
      Number(data.find((row) => row.hour === hour)?.inbound_calls ?? 0);
    for (const row of both)
      expect(Number(row.inbound_calls)).toBe(calls(monday, row.hour) + calls(tuesday, row.hour));
  });

  it('partitions by parameter value and refuses a missing or malformed parameter with 400', async () => {
    const simulator = await start();
    const required = {
      status: 400,
      text: JSON.stringify({
        code: 400,
        error: 'BAD REQUEST',
        msg: 'SOME PARAMETERS ARE REQUIRED',
        data: null,
      }),
    };
    expect(await ask(simulator, 'skill_1', MONDAY)).toMatchObject(required);
    expect(await ask(simulator, 'skill_1', MONDAY, { skill_id: 'ventas' })).toMatchObject(required);
    expect(await ask(simulator, 'act_5', MONDAY, { cod_act: 'cod_act3' })).toMatchObject(required);
    expect(await ask(simulator, 'agent_2', MONDAY)).toMatchObject(required);
    expect(await ask(simulator, 'diagram_1', MONDAY)).toMatchObject(required);
    expect((await ask(simulator, 'diagram_1', MONDAY, { customer_id: '123' })).status).toBe(404);
    expect((await ask(simulator, 'skill_1', MONDAY, { skill_id: '999' })).status).toBe(404);
    const skill = await rows(simulator, 'skill_1', MONDAY, { skill_id: '103' });
    expect(skill.map((row) => [row.skill_id, row.skill_name])).toEqual([['103', 'Soporte técnico']]);
    const agent = dataset.agents[2]!;
    const events = await rows(simulator, 'agent_2', MONDAY, { agent_id: agent.id });
    expect(new Set(events.map((row) => row.agent_id))).toEqual(new Set([agent.id]));
    const one = await rows(simulator, 'campaign_7', MONDAY, { campaign_id: '202' });
    const all = await rows(simulator, 'campaign_7', MONDAY, { campaign_id: 'all' });
    expect(new Set(one.map((row) => row.campaign_id))).toEqual(new Set(['202']));
    expect(new Set(all.map((row) => row.campaign_id)).size).toBeGreaterThan(1);
    const codes1 = await rows(simulator, 'act_5', MONDAY, { cod_act: 'cod_act1' });
    const codes2 = await rows(simulator, 'act_5', MONDAY, { cod_act: 'cod_act2' });
    expect(codes1.map((row) => row.cod_act).sort()).toEqual(['01', '02', '03', '04', '05']);
    expect(codes2.map((row) => row.cod_act).sort()).toEqual(['21', '22', '23']);
  });

  it('truncates silently at the cap, keeps the 31-day limit and answers 404 outside the data', async () => {
    const simulator = await start({ cap: 100 }, { denseReports: { cdr_1: 400 } });
    const capped = await ask(simulator, 'cdr_1', MONDAY);
    expect(capped.body.data).toHaveLength(100);
    expect(capped.body.msg).toBe('100 records were found');
    expect(simulator.calls().at(-1)).toMatchObject({ api: 'cdr_1', records: 100 });
    expect(simulator.calls().at(-1)?.matched).toBeGreaterThan(300);
    expect(
      (await ask(simulator, 'cdr_1', { from: at('2026-03-01'), to: at('2026-04-01 00:00:01') })).text,
    ).toContain('THE DATE RANGE CANNOT EXCEED 31 DAYS');
    const before = { from: at('2026-02-01'), to: at('2026-02-27 23:59:59') };
    for (const api of ['cdr_1', 'agent_1', 'agent_8'])
      expect(await ask(simulator, api, before)).toMatchObject({
        status: 404,
        body: { msg: 'Validate dates entered' },
      });
  });

  it('has reports dense enough to exceed the 60,000 cap in a weekday by default', () => {
    const data = reportDataFor(dataset);
    const query = { ...MONDAY, fromInclusive: true, toInclusive: true, parameter: undefined };
    expect(data.rows('cdr_1', query).count).toBeGreaterThan(60_000);
    expect(data.rows('agent_14', query).count).toBeGreaterThan(60_000);
    expect(data.rows('cdr_3', query).count).toBeLessThan(1_000);
  });

  it('gives the same rows for the same seed and other rows for another seed', async () => {
    const [first, again] = [await start(), await start()];
    const other = await startSimulator({
      dataset,
      seed: 11,
      reportData: reportDataFor(dataset, { seed: 12 }),
    });
    running.push(other);
    for (const api of ['cdr_3', 'agent_1', 'agent_8']) {
      const text = (await ask(first, api, BOTH)).text;
      expect((await ask(again, api, BOTH)).text).toBe(text);
      expect((await ask(other, api, BOTH)).text).not.toBe(text);
    }
  });

  it('injects faults into report answers as for chat_9, and serves chat_9 exactly as before', async () => {
    const faulty = await start({ faults: { rate: 1, kinds: ['truncated'] } });
    const cut = await ask(faulty, 'cdr_3', BOTH);
    expect(cut.status).toBe(200);
    expect(() => JSON.parse(cut.text) as unknown).toThrow();
    const simulator = await start();
    expect((await ask(simulator, 'chat_9', MONDAY)).body.data).toEqual(
      dataset.records(MONDAY.from, MONDAY.to),
    );
  });

  it('dates chat_2 conversations by their first message', async () => {
    const simulator = await start();
    const window = { from: at('2026-03-02 14:00:00'), to: at('2026-03-02 14:59:59') };
    for (const row of await rows(simulator, 'chat_2', window)) {
      const messages = row.conversation as Row[];
      const first = at(String(messages[0]?.date));
      expect(first >= window.from && first <= window.to).toBe(true);
      expect(messages.every((message) => at(String(message.date)) >= first)).toBe(true);
    }
  });
});

describe('simulated rows of every report', () => {
  it('shape into records valid against the stream schema, events placed in time, keys never empty', () => {
    const data = reportDataFor(dataset, { denseReports: {}, eventsPerDay: 40 });
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv);
    ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[+-]\d{2}:\d{2})?$/);
    const offsets = new OffsetFormatter('America/Bogota');
    const values = {
      skill_id: '101',
      agent_id: dataset.agents[0]!.id,
      campaign_id: 'all',
      cod_act: 'cod_act2',
    };
    const served = REPORT_DEFINITIONS.filter((definition) => data.has(definition.report));
    expect(served).toHaveLength(REPORT_DEFINITIONS.length - 1);
    for (const definition of served) {
      const parameter = definition.parameter === 'none' ? undefined : values[definition.parameter];
      const rows = data.rows(definition.report, {
        ...MONDAY,
        fromInclusive: true,
        toInclusive: true,
        parameter,
      });
      expect(rows.count, definition.report).toBeGreaterThan(0);
      if (definition.kind === 'event') expect(rows.count, definition.report).toBeLessThan(100);
      const validate = ajv.compile(reportSchema(definition));
      for (let index = 0; index < Math.min(rows.count, 50); index++) {
        const raw = JSON.parse(rows.jsonAt(index)) as Record<string, unknown>;
        const event =
          definition.kind === 'event' ? shapeReportEvent(raw, definition, offsets, parameter) : undefined;
        const shaped = event ?? shapeReportAggregate(raw, definition, '2026-03-02', parameter);
        expect(validate(shaped.record), `${definition.report} ${ajv.errorsText(validate.errors)}`).toBe(true);
        expect(shaped.undeclared, definition.report).toEqual([]);
        if (event) {
          expect(event.anomaly, definition.report).toBeUndefined();
          expect(event.cursorSeconds! >= MONDAY.from && event.cursorSeconds! <= MONDAY.to).toBe(true);
        }
        const keys = definition.groupFields.filter((name) => name in raw || definition.aliases[name]! in raw);
        for (const field of keys)
          expect(String(shaped.record[field]).trim(), `${definition.report}.${field}`).not.toBe('');
      }
    }
  });
});
