import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterEach, describe, expect, it } from 'vitest';
import { reportDataFor, type ReportDataOptions } from '../src/simulator/report-data.js';
import type { RunningSimulator, SimulatorOptions } from '../src/simulator/server.js';
import { REPORT_DEFINITIONS } from '../src/streams/report-definitions.js';
import {
  projections,
  servedKeys,
  simulatorDailyRows,
  simulatorRows,
  type Row,
} from '../test-support/report-rows.js';
import { smsDetailRow, startReportServer, type ReportServer } from '../test-support/report-server.js';
import {
  logMessages,
  messagesOfType,
  runCli,
  traces,
  writeJsonFiles,
  type CliRun,
} from '../test-support/run-cli.js';
import { dataset, simulator } from '../test-support/sync-harness.js';
import { at } from '../test-support/sync-config.js';
import { formatLocal, SECONDS_PER_DAY } from '../src/time/local-time.js';

// Monday 2026-03-02 to Wednesday 2026-03-04.
const FROM = '2026-03-02';
const TO = '2026-03-04 23:59:59';
const data = dataset({ from: FROM, to: TO, transfersPerDay: 200 });

let sim: RunningSimulator | undefined;
let server: ReportServer | undefined;
afterEach(async () => {
  await sim?.close();
  await server?.close();
  sim = server = undefined;
});

async function reportsSimulator(
  reports: Partial<Omit<ReportDataOptions, 'agents'>> = {},
  options: Partial<SimulatorOptions> = {},
) {
  const reportData = reportDataFor(data, { denseReports: {}, eventsPerDay: 300, ...reports });
  sim = await simulator({ dataset: data, reportData, ...options });
  return { sim, reportData };
}

type Stream = {
  name: string;
  json_schema: Record<string, unknown>;
  default_cursor_field: string[];
  source_defined_primary_key: string[][];
};

async function discover(config: object): Promise<Stream[]> {
  const files = writeJsonFiles({ config });
  const run = await runCli(['discover', '--config', files.config!]);
  expect(run.exitCode).toBe(0);
  return messagesOfType(run, 'CATALOG')[0]!.catalog.streams as Stream[];
}

/** Discovers, selects `names` in `syncMode`, and reads with `state`; asserts the token never shows. */
async function read(
  config: object,
  names: string[],
  state?: unknown[],
  syncMode: 'incremental' | 'full_refresh' = 'incremental',
  timeoutMs = 120_000,
): Promise<CliRun> {
  const streams = await discover(config);
  const catalog = {
    streams: names.map((name) => {
      const stream = streams.find((entry) => entry.name === name);
      if (!stream) throw new Error(`${name} not discovered`);
      return {
        stream,
        sync_mode: syncMode,
        destination_sync_mode: syncMode === 'incremental' ? 'append_dedup' : 'overwrite',
        cursor_field: stream.default_cursor_field,
        primary_key: stream.source_defined_primary_key,
      };
    }),
  };
  const files = writeJsonFiles({ config, catalog, ...(state ? { state } : {}) });
  const args = ['read', '--config', files.config!, '--catalog', files.catalog!];
  if (files.state) args.push('--state', files.state);
  const run = await runCli(args, { timeoutMs });
  const token = String((config as { wolkvox_token?: unknown }).wolkvox_token);
  expect(run.stdout + run.stderr).not.toContain(token);
  return run;
}

const recordsOf = (run: CliRun, stream: string): Row[] =>
  messagesOfType(run, 'RECORD')
    .filter((message) => message.record.stream === stream)
    .map((message) => message.record.data as Row);

const statesOf = (run: CliRun, stream: string): Row[] =>
  messagesOfType(run, 'STATE')
    .filter((message) => message.state.stream.stream_descriptor.name === stream)
    .map((message) => message.state.stream.stream_state as Row);

const expectSame = (records: Row[], expected: Row[]) => {
  expect(expected.length).toBeGreaterThan(0);
  const keys = servedKeys(expected);
  expect(projections(records, keys)).toEqual(projections(expected, keys));
};

describe('every Reports Manager report against the simulator', () => {
  it('discover lists a stream per report (the parameterised ones when configured), every schema valid and named', async () => {
    ({ sim } = await reportsSimulator());
    const defaults = await discover(sim.connectorConfig());
    const names = defaults.map((stream) => stream.name);
    const needs = (parameter: string) =>
      REPORT_DEFINITIONS.filter((definition) => definition.parameter === parameter).map(
        (definition) => definition.stream,
      );
    for (const name of [...needs('skill_id'), ...needs('agent_id')]) expect(names).not.toContain(name);
    const every = await discover({ ...sim.connectorConfig(), skill_ids: ['101'], agent_ids: ['1001'] });
    expect(every.map((stream) => stream.name).sort()).toEqual(
      REPORT_DEFINITIONS.map((definition) => definition.stream).sort(),
    );
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv);
    for (const stream of every) {
      expect(ajv.validateSchema(stream.json_schema), stream.name).toBe(true);
      const report =
        stream.name === 'transfers'
          ? 'chat_9'
          : REPORT_DEFINITIONS.find((d) => d.stream === stream.name)!.report;
      expect(String(stream.json_schema.description), stream.name).toMatch(new RegExp(`^${report}: `));
    }
  });

  it('an event stream (call_details) is delivered exactly once under the cap and 25% faults', async () => {
    const { sim, reportData } = await reportsSimulator(
      { denseReports: { cdr_1: 3_000 } },
      { cap: 1_000, faults: { rate: 0.25, slowMs: 200 } },
    );
    const config = { ...sim.connectorConfig(), records_per_call_limit: 1_000, max_retries: 10 };
    const run = await read(config, ['call_details'], undefined, 'incremental', 240_000);
    expect(run.exitCode).toBe(0);
    const records = recordsOf(run, 'call_details');
    expectSame(records, simulatorRows(reportData, 'cdr_1', at(FROM), at(TO)));
    expect(new Set(records.map((record) => record.id)).size).toBe(records.length);
    expect(
      sim.calls().filter((call) => call.status === 200 && call.records === 1_000).length,
    ).toBeGreaterThan(0);
    const { faults } = sim.stats();
    expect(faults['server-error'] + faults.reset + faults.truncated).toBeGreaterThan(0);
  }, 300_000);

  it('a time-bucketed and a range aggregate equal the simulator’s per-day aggregates, one call per day', async () => {
    const { sim, reportData } = await reportsSimulator();
    const run = await read(sim.connectorConfig(), ['agent_states_hourly', 'agent_time_by_state']);
    expect(run.exitCode).toBe(0);
    expectSame(
      recordsOf(run, 'agent_states_hourly'),
      simulatorDailyRows(reportData, 'agent_8', at(FROM), at('2026-03-04')),
    );
    expectSame(
      recordsOf(run, 'agent_time_by_state'),
      simulatorDailyRows(reportData, 'agent_1', at(FROM), at('2026-03-04')),
    );
    expect(sim.calls().map((call) => `${call.api} ${call.dateIni}-${call.dateEnd}`)).toEqual([
      'agent_8 20260302000000-20260302235959',
      'agent_8 20260303000000-20260303235959',
      'agent_8 20260304000000-20260304235959',
      'agent_1 20260302000000-20260302235959',
      'agent_1 20260303000000-20260303235959',
      'agent_1 20260304000000-20260304235959',
    ]);
    expect(statesOf(run, 'agent_time_by_state').at(-1)).toEqual({ report_date: '2026-03-04' });
    expect(logMessages(run, 'INFO').at(-1)).toBe(
      "API calls this sync: 6 (each one unit of the operation's daily quota): agent_states_hourly 3, agent_time_by_state 3.",
    );
  });

  it('a stream partitioned by skill_id reads each skill with its own state, the skill in every record', async () => {
    const { sim, reportData } = await reportsSimulator();
    const config = { ...sim.connectorConfig(), skill_ids: ['101', '103'] };
    const run = await read(config, ['abandoned_calls', 'skill_service_level_by_hour']);
    expect(run.exitCode).toBe(0);
    for (const skill of ['101', '103']) {
      const events = recordsOf(run, 'abandoned_calls').filter(
        (record) => record.requested_skill_id === skill,
      );
      expectSame(events, simulatorRows(reportData, 'skill_2', at(FROM), at(TO), skill));
      const hourly = recordsOf(run, 'skill_service_level_by_hour').filter(
        (record) => record.requested_skill_id === skill,
      );
      expectSame(hourly, simulatorDailyRows(reportData, 'skill_4', at(FROM), at('2026-03-04'), skill));
    }
    const hourlyState = statesOf(run, 'skill_service_level_by_hour').at(-1) as {
      partitions: Record<string, unknown>;
    };
    expect(hourlyState).toEqual({
      partitions: { 101: { report_date: '2026-03-04' }, 103: { report_date: '2026-03-04' } },
    });
    const eventState = statesOf(run, 'abandoned_calls').at(-1) as {
      partitions: Record<string, { date: string }>;
    };
    expect(Object.keys(eventState.partitions).sort()).toEqual(['101', '103']);
    expect(sim.calls().every((call) => call.status === 200 || call.status === 404)).toBe(true);
  });

  it('resumes from a state in the middle of a sync: nothing lost, events not repeated', async () => {
    const { sim, reportData } = await reportsSimulator({}, { cap: 200 });
    const config = { ...sim.connectorConfig(), records_per_call_limit: 200 };
    const streams = ['chats', 'agent_time_by_state'];
    const full = await read(config, streams);
    expect(full.exitCode).toBe(0);
    // The run's messages up to the middle STATE of chats: what a crash right after it would have left.
    type Message = {
      type: string;
      record?: { stream: string; data: Row };
      state?: { stream: { stream_descriptor: { name: string } } };
    };
    const ordered = full.messages.filter(
      (message) => message.type === 'RECORD' || message.type === 'STATE',
    ) as Message[];
    const chatStates = ordered.flatMap((message, index) =>
      message.state?.stream.stream_descriptor.name === 'chats' ? [index] : [],
    );
    expect(chatStates.length).toBeGreaterThan(3);
    const cut = chatStates[Math.floor(chatStates.length / 2)]!;
    const before = ordered
      .slice(0, cut)
      .flatMap((message) => (message.record?.stream === 'chats' ? [message.record.data] : []));
    const resumed = await read(config, streams, [ordered[cut]!.state]);
    expect(resumed.exitCode).toBe(0);
    const chats = [...before, ...recordsOf(resumed, 'chats')];
    expectSame(chats, simulatorRows(reportData, 'chat_1', at(FROM), at(TO)));
    expect(new Set(chats.map((record) => record.id)).size).toBe(chats.length);
    // The aggregate had no state yet: read again in full, equal to the simulator's days.
    expectSame(
      recordsOf(resumed, 'agent_time_by_state'),
      simulatorDailyRows(reportData, 'agent_1', at(FROM), at('2026-03-04')),
    );
  }, 180_000);

  it('passes a field the schema does not declare through, and names it once at WARN', async () => {
    server = await startReportServer([
      smsDetailRow('2026-03-02 09:00:00', { carrier: 'Claro' }),
      smsDetailRow('2026-03-02 10:00:00', { carrier: 'Tigo' }),
    ]);
    const run = await read(server.config({ start_date: '2026-03-02', end_date: '2026-03-02' }), [
      'sms_details',
    ]);
    expect(run.exitCode).toBe(0);
    expect(recordsOf(run, 'sms_details').map((record) => record.carrier)).toEqual(['Claro', 'Tigo']);
    const warnings = logMessages(run, 'WARN').filter((message) => message.includes('carrier'));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^sms_details: Wolkvox sent fields that the stream's schema does not declare: carrier\./,
      ),
    ]);
  });

  it('every record of every stream validates against its discovered schema', async () => {
    const { sim } = await reportsSimulator({ eventsPerDay: 30 });
    const config = {
      ...sim.connectorConfig(),
      start_date: '2026-03-03',
      end_date: '2026-03-03',
      skill_ids: ['101'],
      agent_ids: [data.agents[0]!.id],
    };
    const streams = await discover(config);
    const run = await read(
      config,
      streams.map((stream) => stream.name),
      undefined,
      'full_refresh',
      240_000,
    );
    expect(run.exitCode).toBe(0);
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv);
    // Airbyte's date-time also covers timestamp_without_timezone (the `_local` twins have no offset).
    ajv.addFormat('date-time', ajv.formats['iso-date-time']!);
    const validators = new Map(streams.map((stream) => [stream.name, ajv.compile(stream.json_schema)]));
    const seen = new Set<string>();
    for (const message of messagesOfType(run, 'RECORD')) {
      const validate = validators.get(message.record.stream)!;
      expect(
        validate(message.record.data),
        `${message.record.stream} ${ajv.errorsText(validate.errors)}`,
      ).toBe(true);
      seen.add(message.record.stream);
    }
    // Every kind delivered records.
    for (const name of [
      'transfers',
      'call_details',
      'agent_states_hourly',
      'agent_time_by_state',
      'abandoned_calls',
      'activity_codes',
    ])
      expect(seen).toContain(name);
    expect(
      traces(run, 'STREAM_STATUS').filter((t) => t.trace.stream_status.status === 'COMPLETE'),
    ).toHaveLength(streams.length);
  }, 300_000);

  it('an aggregate day at the cap fails as a system error that says so; the call budget is shared across streams', async () => {
    const { sim } = await reportsSimulator({}, { cap: 5 });
    // The simulator's config carries its cap as records_per_call_limit.
    const capped = await read(sim.connectorConfig(), ['agent_states_hourly']);
    expect(capped.exitCode).toBe(70);
    const error = traces(capped, 'ERROR')[0]!.trace.error;
    expect(error.failure_type).toBe('system_error');
    expect(error.message).toMatch(
      /agent_states_hourly: Wolkvox returned 5 rows for 2026-03-02, the most one call returns/,
    );
    expect(recordsOf(capped, 'agent_states_hourly')).toEqual([]);
    await sim.close();
    const { sim: uncapped } = await reportsSimulator();
    const budget = await read({ ...uncapped.connectorConfig(), max_api_calls_per_sync: 4 }, [
      'agent_time_by_state',
      'transfers',
      'chats',
    ]);
    expect(budget.exitCode).toBe(0);
    expect(uncapped.stats().total).toBe(4);
    expect(logMessages(budget, 'INFO').at(-1)).toBe(
      "API calls this sync: 4 of the budget of 4 (each one unit of the operation's daily quota): agent_time_by_state 3, transfers 1, chats 0.",
    );
    expect(
      logMessages(budget, 'WARN').filter((message) => /budget of 4 reached/.test(message)).length,
    ).toBeGreaterThan(0);
  });

  it('under a small call budget each sync reads the streams and partitions furthest behind first: all arrive, once', async () => {
    const { sim, reportData } = await reportsSimulator({}, { cap: 400 });
    const config = { ...sim.connectorConfig(), max_api_calls_per_sync: 5, skill_ids: ['101', '103'] };
    // Catalog order: the aggregates first, so in catalog order their re-read days would take every call.
    const names = ['agent_time_by_state', 'skill_service_level_by_hour', 'chats'];
    const units = [
      { stream: 'agent_time_by_state', skill: undefined },
      { stream: 'skill_service_level_by_hour', skill: '101' },
      { stream: 'skill_service_level_by_hour', skill: '103' },
      { stream: 'chats', skill: undefined },
    ];
    const expected = {
      agent_time_by_state: simulatorDailyRows(reportData, 'agent_1', at(FROM), at('2026-03-04')),
      skill_service_level_by_hour: ['101', '103'].flatMap((skill) =>
        simulatorDailyRows(reportData, 'skill_4', at(FROM), at('2026-03-04'), skill),
      ),
      chats: simulatorRows(reportData, 'chat_1', at(FROM), at(TO)),
    };
    const primaryKeys = new Map(
      (await discover(config)).map((stream) => [stream.name, stream.source_defined_primary_key]),
    );
    // Where a unit stands by its state (the rule of the docs): the day after an aggregate's report_date
    // (the end of the range once that day is past it: caught up), an event stream's date; start_date
    // without a state.
    /** A saved state of these streams: `date` (chats), `report_date` (an aggregate) or its partitions. */
    interface UnitState {
      date?: string;
      report_date?: string;
      partitions?: Record<string, UnitState>;
    }
    const states = new Map<string, UnitState>();
    const stateOf = (unit: (typeof units)[number]): UnitState | undefined => {
      const state = states.get(unit.stream);
      return unit.skill === undefined ? state : state?.partitions?.[unit.skill];
    };
    const positionOf = (unit: (typeof units)[number]): string => {
      const state = stateOf(unit);
      if (unit.stream === 'chats') return state?.date ?? `${FROM} 00:00:00`;
      const day = state?.report_date;
      if (day === undefined) return `${FROM} 00:00:00`;
      const next = at(day) + SECONDS_PER_DAY;
      return next + SECONDS_PER_DAY - 1 > at(TO) ? TO : formatLocal(next);
    };
    const delivered = new Map<string, Row[]>(names.map((name) => [name, []]));
    const complete = (unit: (typeof units)[number]): boolean =>
      unit.stream === 'chats'
        ? delivered.get('chats')!.length === expected.chats.length
        : stateOf(unit)?.report_date === '2026-03-04';
    const lastMoved = units.map(() => 0);
    let syncs = 0;
    const sync = async () => {
      syncs += 1;
      expect(syncs, 'syncs until every stream and partition has read everything').toBeLessThanOrEqual(12);
      const before = units.map(positionOf);
      // Expected order: streams by their least advanced partition, partitions by position, ties in catalog order.
      const order = names
        .map((name) => ({
          name,
          parts: units
            .flatMap((unit, index) => (unit.stream === name ? [{ unit, at: before[index]! }] : []))
            .sort((a, b) => a.at.localeCompare(b.at)),
        }))
        .sort((a, b) => a.parts[0]!.at.localeCompare(b.parts[0]!.at));
      const input = [...states].map(([name, stream_state]) => ({
        type: 'STREAM',
        stream: { stream_descriptor: { name }, stream_state },
      }));
      const run = await read(config, names, input);
      expect(run.exitCode).toBe(0);
      expect(logMessages(run, 'INFO')).toContain(
        'Call budget of 5 API calls: the streams furthest behind are read first (each with the time its state ' +
          'has read up to): ' +
          order
            .map(
              ({ name, parts }) =>
                `${name} (${parts.map(({ unit, at }) => (unit.skill === undefined ? at : `skill_id ${unit.skill} ${at}`)).join(', ')})`,
            )
            .join(', ') +
          '.',
      );
      for (const name of names) {
        delivered.get(name)!.push(...recordsOf(run, name));
        const last = statesOf(run, name).at(-1);
        if (last !== undefined) states.set(name, last as UnitState);
      }
      const after = units.map(positionOf);
      units.forEach((unit, index) => {
        expect(after[index]! >= before[index]!, `${unit.stream} ${unit.skill ?? ''} never moves back`).toBe(
          true,
        );
        if (after[index] !== before[index] || complete(unit)) lastMoved[index] = syncs;
        // Every stream and partition moves within as many syncs as there are of them.
        expect(syncs - lastMoved[index]!, `${unit.stream} ${unit.skill ?? ''} waits`).toBeLessThan(
          units.length,
        );
      });
      // The unit read first was the furthest behind, and it moved.
      const first = order[0]!.parts[0]!.unit;
      expect(after[units.indexOf(first)] !== before[units.indexOf(first)] || complete(first)).toBe(true);
    };
    while (!units.every(complete)) await sync();
    expect(syncs).toBeGreaterThan(3);
    // Two more syncs, each too small for every stream's re-read: nothing new, nothing twice.
    await sync();
    await sync();
    // Events exactly once across the syncs; aggregates re-read, equal to the simulator's days by primary key.
    const chats = delivered.get('chats')!;
    expect(new Set(chats.map((record) => record.id)).size).toBe(chats.length);
    expectSame(chats, expected.chats);
    for (const name of ['agent_time_by_state', 'skill_service_level_by_hour'] as const) {
      const byKey = new Map<string, Row>();
      for (const record of delivered.get(name)!) {
        const key = JSON.stringify(primaryKeys.get(name)!.map(([field]) => record[field!]));
        const earlier = byKey.get(key);
        if (earlier !== undefined) expect(record, `${name} ${key} re-read the same`).toEqual(earlier);
        byKey.set(key, record);
      }
      expectSame([...byKey.values()], expected[name]);
    }
  }, 300_000);

  it('an aggregate state of the wrong shape is a config error, partitioned or not; one after today is kept with a WARN', async () => {
    ({ sim } = await reportsSimulator());
    const config = { ...sim.connectorConfig(), end_date: undefined, skill_ids: ['101'] };
    const eventState = {
      date: '2026-03-03 10:00:00',
      settled_from: '2026-03-03 09:45:00',
      delivered_ids: {},
    };
    // The day after tomorrow in Bogota (UTC−5): after the run's today even if it starts past midnight.
    const afterToday = formatLocal(Math.floor(Date.now() / 1000) - 5 * 3600 + 2 * SECONDS_PER_DAY).slice(
      0,
      10,
    );
    const stateOf = (name: string, stream_state: unknown) => ({
      type: 'STREAM',
      stream: { stream_descriptor: { name }, stream_state },
    });
    const run = await read(
      config,
      ['agent_time_by_state', 'skill_service_level_by_hour', 'agent_states_hourly'],
      [
        stateOf('agent_time_by_state', eventState),
        stateOf('skill_service_level_by_hour', { partitions: { 101: { foo: 1 } } }),
        stateOf('agent_states_hourly', { report_date: afterToday }),
      ],
    );
    expect(run.exitCode).toBe(1);
    const errors = traces(run, 'ERROR').map((trace) => trace.trace.error);
    expect(errors.map((error) => [error.stream_descriptor!.name, error.failure_type])).toEqual([
      ['agent_time_by_state', 'config_error'],
      ['skill_service_level_by_hour', 'config_error'],
    ]);
    const fix =
      'Reset (clear) the data of this stream in Airbyte so that it is read again from start_date, or correct ' +
      "the stream's state in the connection's settings.";
    expect(errors[0]!.message).toBe(
      'The saved state of stream "agent_time_by_state" is unusable: an aggregate stream\'s state is ' +
        '{"report_date": "YYYY-MM-DD"} (the last day read), got an object with the keys "date", "settled_from", ' +
        `"delivered_ids" (an event stream's state). ${fix}`,
    );
    expect(errors[1]!.message).toBe(
      'The saved state of stream "skill_service_level_by_hour (skill_id 101)" is unusable: an aggregate ' +
        'stream\'s state is {"report_date": "YYYY-MM-DD"} (the last day read), got an object with the key "foo". ' +
        fix,
    );
    expect(logMessages(run, 'WARN').filter((message) => message.includes(afterToday))).toEqual([
      expect.stringMatching(
        new RegExp(`^agent_states_hourly: the saved state's report_date ${afterToday} is after today \\(`),
      ),
    ]);
    expect(recordsOf(run, 'agent_states_hourly')).toEqual([]);
    expect(statesOf(run, 'agent_states_hourly')).toEqual([{ report_date: afterToday }]);
    expect(sim.calls().filter((call) => call.api !== 'agent_8')).toEqual([]);
  });

  it('a call budget that the re-read days of an aggregate take whole is a config error naming the option', async () => {
    ({ sim } = await reportsSimulator());
    const config = { ...sim.connectorConfig(), max_api_calls_per_sync: 2, aggregate_reread_days: 2 };
    const run = await read(
      config,
      ['agent_time_by_state'],
      [
        {
          type: 'STREAM',
          stream: {
            stream_descriptor: { name: 'agent_time_by_state' },
            stream_state: { report_date: '2026-03-03' },
          },
        },
      ],
    );
    expect(run.exitCode).toBe(1);
    const [error] = traces(run, 'ERROR');
    expect(error!.trace.error.failure_type).toBe('config_error');
    expect(error!.trace.error.message).toMatch(
      /^agent_time_by_state: max_api_calls_per_sync \(2\) is too small for this stream to move: .* Raise max_api_calls_per_sync above 2 /,
    );
    expect(sim.stats().total).toBe(0);
  });

  it('a catalog naming a per-skill stream without skill_ids fails as a config error that names the option', async () => {
    ({ sim } = await reportsSimulator());
    const streams = await discover({ ...sim.connectorConfig(), skill_ids: ['101'] });
    const stream = streams.find((entry) => entry.name === 'abandoned_calls')!;
    const catalog = {
      streams: [
        {
          stream,
          sync_mode: 'incremental',
          destination_sync_mode: 'append',
          cursor_field: stream.default_cursor_field,
        },
      ],
    };
    const files = writeJsonFiles({ config: sim.connectorConfig(), catalog });
    const run = await runCli(['read', '--config', files.config!, '--catalog', files.catalog!]);
    expect(run.exitCode).toBe(1);
    const error = traces(run, 'ERROR')[0]!.trace.error;
    expect(error.failure_type).toBe('config_error');
    expect(error.message).toMatch(/"abandoned_calls", which needs at least one value in `skill_ids`/);
    expect(sim.stats().total).toBe(0);
  });
});
