import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../config/config.js';
import type { AirbyteMessage } from '../protocol/messages.js';
import type { Window } from '../planner/index.js';
import { reportDataFor, startSimulator, type RunningSimulator } from '../simulator/index.js';
import { REPORT_DEFINITIONS } from '../streams/report-definitions.js';
import { formatLocal, parseLocal, SECONDS_PER_DAY, type LocalSeconds } from '../time/local-time.js';
import { wallClockAt } from '../time/zone.js';
import { expectedIds, recentBurstyDataset, storedDates } from './dataset.js';
import { minimumCalls } from './minimum-calls.js';
import { readSync, type SyncRead } from './read-sync.js';
import { configuredCatalog, describeFailure, runCli, type CliRun } from './run-cli.js';
import {
  AgentCallTally,
  formatCount,
  renderStreamSummary,
  renderSummary,
  TransferTally,
  truncatedCalls,
  type ReadFacts,
  type StreamFacts,
} from './summary.js';
import { checkDelivery, deliveryProblems, readProblems } from './verify.js';

const ZONE = 'America/Bogota';
const SEED = 2026;
const HISTORY_DAYS = 60;
const APPENDED_TRANSFERS = 1_000;
/** Skills whose per-skill reports the demo reads (ids of the simulator's skills). */
const DEMO_SKILLS = ['101', '102'];
/** Streams of other kinds read after the transfers: two event reports, a range aggregate, a time-bucketed one per skill. */
const REPORT_STREAMS = ['chats', 'call_details', 'agent_time_by_state', 'skill_service_level_by_hour'];
/** call_details rows a day: a realistic stream that stays quick to read in the demo. */
const CALL_DETAILS_PER_DAY = 500;
const OUTPUT_DIR = fileURLToPath(new URL('../../demo-output/', import.meta.url));
const CONFIGURED_CATALOG = fileURLToPath(
  new URL('../../integration_tests/configured_catalog.json', import.meta.url),
);

/** A step that went wrong so that the next ones cannot run. */
class DemoFailure extends Error {}

const outputPath = (name: string): string => join(OUTPUT_DIR, name);

async function writeJson(name: string, value: unknown): Promise<void> {
  await writeFile(outputPath(name), `${JSON.stringify(value, null, 2)}\n`);
}

function step(title: string): void {
  console.log(`\n== ${title}`);
}

function requireSuccess(run: CliRun): void {
  if (run.exitCode !== 0 || run.badLines.length > 0) throw new DemoFailure(describeFailure(run));
}

function firstMessage<T extends AirbyteMessage['type']>(
  run: CliRun,
  type: T,
): Extract<AirbyteMessage, { type: T }> {
  const found = run.messages.find(
    (message): message is Extract<AirbyteMessage, { type: T }> => message.type === type,
  );
  if (!found) throw new DemoFailure(`\`${run.args[0]}\` printed no ${type} message`);
  return found;
}

/** spec, check and discover, each as its own process; returns their runs for the message log. */
async function describeConnector(configPath: string): Promise<Record<string, CliRun>> {
  step('spec');
  const spec = await runCli(['spec']);
  requireSuccess(spec);
  const specification = firstMessage(spec, 'SPEC').spec as {
    connectionSpecification: { properties: object };
  };
  console.log(
    `spec OK: config fields ${Object.keys(specification.connectionSpecification.properties).join(', ')}`,
  );

  step('check');
  const check = await runCli(['check', '--config', configPath]);
  requireSuccess(check);
  const { status, message } = firstMessage(check, 'CONNECTION_STATUS').connectionStatus;
  console.log(`check ${status}: ${message ?? ''}`);
  if (status !== 'SUCCEEDED') throw new DemoFailure(`check ${status}: ${message ?? ''}`);

  step('discover');
  const discover = await runCli(['discover', '--config', configPath]);
  requireSuccess(discover);
  const { streams } = firstMessage(discover, 'CATALOG').catalog;
  console.log(
    `discover: ${streams.length} streams (every Reports Manager report; the per-skill ones for skills ` +
      `${DEMO_SKILLS.join(', ')}), e.g. ${streams
        .slice(0, 4)
        .map((stream) => stream.name)
        .join(', ')}`,
  );
  return { spec, check, discover };
}

/** Every message but the records (which have their own files), tagged with the step that said it. */
async function writeMessageLog(runs: Record<string, CliRun>): Promise<void> {
  const lines = Object.entries(runs).flatMap(([step, run]) =>
    run.messages.map((message) => JSON.stringify({ step, message })),
  );
  await writeFile(outputPath('messages.jsonl'), `${lines.join('\n')}\n`);
}

/** What the steps share. */
interface Session {
  simulator: RunningSimulator;
  paths: { config: string; catalog: string; state: string };
  tally: TransferTally;
  /** The connector's records-per-call limit and longest window, resolved from the demo's config. */
  cap: number;
  maxWindowSeconds: number;
}

/** A `read` with the simulator calls it made and the fewest calls its range needed. */
async function measuredRead(
  session: Session,
  label: string,
  args: string[],
  recordsFile: string,
  range: Window,
): Promise<{ read: SyncRead; facts: ReadFacts }> {
  const { simulator, cap, maxWindowSeconds } = session;
  const fewest = minimumCalls(storedDates(simulator.dataset), range, cap, maxWindowSeconds);
  const firstCall = simulator.calls().length;
  const read = await readSync(label, args, outputPath(recordsFile), (_stream, data) =>
    session.tally.add(data),
  );
  requireSuccess(read.run);
  const calls = simulator.calls().slice(firstCall);
  const facts = {
    label,
    records: read.records,
    states: read.stateCount,
    calls: calls.length,
    truncatedCalls: truncatedCalls(calls, cap),
    minimumCalls: fewest,
    durationMs: read.run.durationMs,
  };
  return { read, facts };
}

/** Where the incremental read resumes: the backfill's cursor, else the last second it could have seen. */
function resumeSecond(backfill: SyncRead, fallback: LocalSeconds): LocalSeconds {
  const cursor = backfill.lastStates[0]?.stream.stream_state?.date;
  return (typeof cursor === 'string' ? parseLocal(cursor) : undefined) ?? fallback;
}

/** Backfill, append new transfers, then an incremental read from the backfill's last state. */
async function backfillThenIncremental(session: Session) {
  const { simulator, paths } = session;
  const { dataset } = simulator;
  const now = () => wallClockAt(ZONE, Date.now());
  step('read: backfill (incremental mode, no state)');
  const backfill = await measuredRead(
    session,
    'backfill',
    ['--config', paths.config, '--catalog', paths.catalog],
    'records.jsonl',
    { from: dataset.settings.from, to: now() },
  );
  await writeJson('state-after-backfill.json', backfill.read.lastStates);

  step('append');
  const lastBeforeAppend = dataset.lastSecond ?? dataset.settings.to;
  const appended = simulator.append(APPENDED_TRANSFERS, { until: now() });
  console.log(
    `appended ${formatCount(appended.end - appended.start)} transfers, ${formatLocal(dataset.secondAt(appended.start))}` +
      ` (the second of the last one delivered) to ${formatLocal(dataset.secondAt(appended.end - 1))}`,
  );

  step('read: incremental (with the backfill state)');
  const incremental = await measuredRead(
    session,
    'incremental',
    ['--config', paths.config, '--catalog', paths.catalog, '--state', paths.state],
    'records-incremental.jsonl',
    { from: resumeSecond(backfill.read, lastBeforeAppend), to: now() },
  );
  return { backfill, appended, incremental };
}

/** The configured catalog of `names`, from discover's catalog, incremental and deduplicated. */
function catalogOf(discover: CliRun, names: string[]): object {
  return configuredCatalog(
    firstMessage(discover, 'CATALOG').catalog.streams,
    names,
    (name) => new DemoFailure(`discover did not list the stream ${name}`),
  );
}

/** One read of streams of other kinds; their per-stream figures, and calls per agent for the report table. */
async function readReports(
  session: Session,
  discover: CliRun,
): Promise<{ read: SyncRead; streams: StreamFacts[]; calls: AgentCallTally }> {
  const { simulator, paths } = session;
  step(`read: ${REPORT_STREAMS.join(', ')} (one read, one client, streams one after another)`);
  const catalogPath = outputPath('catalog-reports.json');
  await writeJson('catalog-reports.json', catalogOf(discover, REPORT_STREAMS));
  const calls = new AgentCallTally();
  const records = new Map<string, number>();
  const firstCall = simulator.calls().length;
  const read = await readSync(
    'reports',
    ['--config', paths.config, '--catalog', catalogPath],
    outputPath('records-reports.jsonl'),
    (stream, data) => {
      records.set(stream, (records.get(stream) ?? 0) + 1);
      if (stream === 'agent_time_by_state') calls.add(data);
    },
    true,
  );
  requireSuccess(read.run);
  await writeJson('state-reports.json', read.lastStates);
  const apiCalls = simulator.calls().slice(firstCall);
  const facts = REPORT_STREAMS.map((name) => {
    const definition = REPORT_DEFINITIONS.find((entry) => entry.stream === name)!;
    return {
      stream: name,
      kind: definition.kind,
      records: records.get(name) ?? 0,
      states: read.statesByStream.get(name) ?? 0,
      calls: apiCalls.filter((call) => call.api === definition.report).length,
    };
  });
  console.log(renderStreamSummary(facts));
  return { read, streams: facts, calls };
}

/** Runs every step against the simulator; returns what went wrong without stopping the demo. */
async function runDemo(simulator: RunningSimulator, started: number): Promise<string[]> {
  const { dataset } = simulator;
  console.log(
    `Simulator at ${simulator.url}: ${formatCount(dataset.size)} transfers from ${formatLocal(dataset.settings.from)}` +
      ` to ${formatLocal(dataset.lastSecond ?? dataset.settings.to)} (${ZONE} wall clock)`,
  );
  // The simulator's own token: it opens nothing but this loopback simulator, and the CLI reads it from the file.
  const config = {
    ...simulator.connectorConfig({ withEndDate: false }),
    skill_ids: DEMO_SKILLS,
  };
  const { recordsPerCallLimit, maxWindowDays } = resolveConfig(config);
  const session: Session = {
    simulator,
    paths: {
      config: outputPath('config.json'),
      catalog: outputPath('catalog.json'),
      state: outputPath('state-after-backfill.json'),
    },
    tally: new TransferTally(),
    cap: recordsPerCallLimit,
    maxWindowSeconds: maxWindowDays * SECONDS_PER_DAY,
  };
  await writeJson('config.json', config);
  await copyFile(CONFIGURED_CATALOG, session.paths.catalog);
  const commandRuns = await describeConnector(session.paths.config);

  const { backfill, appended, incremental } = await backfillThenIncremental(session);
  const reports = await readReports(session, commandRuns.discover!);
  const finalStates =
    incremental.read.lastStates.length > 0 ? incremental.read.lastStates : backfill.read.lastStates;
  await writeJson('final-state.json', finalStates);
  await writeMessageLog({
    ...commandRuns,
    backfill: backfill.read.run,
    incremental: incremental.read.run,
    reports: reports.read.run,
  });
  const delivery = checkDelivery(
    expectedIds(dataset, { start: 0, end: dataset.size }, ZONE),
    backfill.read.ids,
    incremental.read.ids,
    expectedIds(dataset, appended, ZONE),
  );

  step(`output in ${relative(process.cwd(), OUTPUT_DIR) || OUTPUT_DIR}/`);
  console.log(
    'config.json (holds the local simulator token), catalog.json, records.jsonl, state-after-backfill.json,\n' +
      'records-incremental.jsonl, final-state.json, catalog-reports.json, records-reports.jsonl ({stream, data}\n' +
      'per line), state-reports.json, messages.jsonl (every non-record message)',
  );
  const summary = renderSummary({
    reads: [backfill.facts, incremental.facts],
    totalMs: Date.now() - started,
    finalState: finalStates[0]?.stream.stream_state,
    tally: session.tally,
    callsByAgent: reports.calls.byAgent,
  });
  console.log(`\n${summary}`);
  return [
    ...readProblems('backfill', backfill.read.run, backfill.read.records),
    ...readProblems('incremental', incremental.read.run, incremental.read.records),
    ...readProblems('reports', reports.read.run, reports.read.records),
    ...reports.streams
      .filter((facts) => facts.records === 0)
      .map((facts) => `${facts.stream} delivered no records`),
    ...deliveryProblems(delivery),
  ];
}

async function main(): Promise<number> {
  const started = Date.now();
  await mkdir(OUTPUT_DIR, { recursive: true });
  console.log(`Generating ${HISTORY_DAYS} days of bursty transfers up to now in ${ZONE} (seed ${SEED})`);
  const dataset = recentBurstyDataset(ZONE, HISTORY_DAYS, SEED);
  const reportData = reportDataFor(dataset, { denseReports: { cdr_1: CALL_DETAILS_PER_DAY } });
  const simulator = await startSimulator({ dataset, seed: SEED, reportData, timezone: ZONE });
  let problems: string[];
  try {
    problems = await runDemo(simulator, started);
  } catch (error) {
    if (!(error instanceof DemoFailure)) throw error;
    problems = [error.message];
  } finally {
    await simulator.close();
  }
  step('verification');
  if (problems.length > 0) {
    for (const problem of problems) console.log(`FAILED: ${problem}`);
    return 1;
  }
  console.log(
    'OK: every command exited 0 with only known AirbyteMessages on stdout; delivered ids equal the dataset as a\n' +
      'multiset; nothing backfilled came again; every appended transfer arrived; STATE counts cover all records.',
  );
  return 0;
}

process.exitCode = await main();
