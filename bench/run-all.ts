/**
 * `npm run bench`: builds, then runs every benchmark against the built connector (dist/index.js)
 * and the simulator, prints the figures and writes them to bench/results/latest.json. Goals are
 * reported, never asserted: timings depend on the machine.
 *
 * node dist/bench/bench/run-all.js [--only throughput,memory,calls,startup,state] [--out FILE] [--cli PATH]
 *   [--no-faros]
 * A run limited with --only, or of another build (--cli .../dist/index.js), or without the faros
 * comparison (--no-faros), writes a file only when --out is given. Every node process the bench starts
 * runs without node flags (NODE_OPTIONS is not passed on), as `node dist/index.js` runs for a user.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';
import { apiCalls, type CallsCase } from './api-calls.js';
import { cliPath } from './lib/process.js';
import { machine, MIB, round, section, table, type Goal } from './lib/report.js';
import { memory, type MemoryResult } from './memory.js';
import { startup, type StartupCase } from './startup.js';
import { stateSize, type StateSizeResult } from './state-size.js';
import { throughput, type ThroughputResult } from './throughput.js';

const SECTIONS = ['throughput', 'memory', 'calls', 'startup', 'state'] as const;
type Section = (typeof SECTIONS)[number];

const SETTINGS = {
  throughput: { preset: 'steady', days: 124, runs: 5 },
  memory: {
    longDays: 372,
    slowReaderDays: 124,
    slowReaderMBPerSecond: 20,
    bigRecords: 59_000,
    bigBodyBytes: 256 * MIB,
  },
  calls: { days: 182, presets: ['quiet', 'steady', 'bursty'], orders: ['ascending', 'descending', 'random'] },
  startup: { runs: 20 },
  state: { transfersPerDay: 20_000, days: 14, orders: ['ascending', 'random'] },
} as const;

const GOALS = {
  /** Issue 13: connector time at most the baseline's on the same windows (stretch: 0.8x its time, 1.25x its records/s). */
  throughputRatio: 1.0,
  rssMB: 150,
  callsRatio: 1.1,
  specMs: 300,
  /** Against the same stream written on faros-airbyte-cdk: records/s at least 3x, peak RSS under half. */
  farosThroughputRatio: 3,
  farosRssRatio: 0.5,
};

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LATEST = fileURLToPath(new URL('../../../bench/results/latest.json', import.meta.url));

function parseArgs(argv: string[]): { sections: Section[]; out: string | undefined; faros: boolean } {
  let sections: Section[] = [...SECTIONS];
  let out: string | undefined = LATEST;
  let faros = true;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--only') {
      const names = (argv[++index] ?? '').split(',');
      const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
      if (unknown.length > 0)
        throw new Error(`unknown section(s) ${unknown.join(', ')}: use ${SECTIONS.join(', ')}`);
      sections = names as Section[];
      if (out === LATEST) out = undefined;
    } else if (arg === '--out') {
      out = argv[++index];
    } else if (arg === '--cli') {
      // Read by lib/process.ts whenever it starts the connector.
      process.env.WOLKVOX_BENCH_CLI = resolve(argv[++index] ?? '');
      if (out === LATEST) out = undefined;
    } else if (arg === '--no-faros') {
      faros = false;
      if (out === LATEST) out = undefined;
    } else {
      throw new Error(`unknown argument ${arg}`);
    }
  }
  return { sections, out, faros };
}

function printThroughput(result: ThroughputResult): void {
  const { connector, baseline, faros } = result;
  const comparison = faros !== undefined && 'side' in faros ? faros : undefined;
  console.log(
    `${result.dataset.records.toLocaleString('en-US')} transfers (${result.dataset.preset}, ${result.dataset.days} days); ` +
      `connector: ${result.connectorCalls} calls, ${result.recordsDelivered.toLocaleString('en-US')} records delivered in the ` +
      `checked warm-up run, same calls every run: ${result.sameCallsEveryRun}; baseline: the ${result.windows} complete windows.`,
  );
  const row = (name: string, side: typeof connector) => [
    name,
    side.runs.length,
    side.medianRecordsPerSecond,
    side.medianMBPerSecond,
    side.medianWallMs,
    side.medianCpuSeconds ?? Number.NaN,
    side.medianMaxRssMB ?? Number.NaN,
  ];
  console.log(
    table([
      ['reader', 'runs', 'records/s (median)', 'MB/s in (median)', 'wall ms', 'cpu s', 'peak RSS MB'],
      row('connector', connector),
      row('baseline', baseline),
      ...(comparison ? [row(`faros-airbyte-cdk ${comparison.cdkVersion}`, comparison.side)] : []),
    ]),
  );
  console.log(`connector / baseline (records/s): ${result.ratio}x`);
  const perRun = (side: typeof connector) => side.runs.map((run) => run.recordsPerSecond).join(', ');
  console.log(
    `per run, records/s: connector ${perRun(connector)}; baseline ${perRun(baseline)}` +
      (comparison ? `; faros ${perRun(comparison.side)}` : ''),
  );
  if (comparison) {
    console.log(
      `faros: ${comparison.recordsDelivered.toLocaleString('en-US')} records in its checked warm-up run, ` +
        `as many as the baseline's: ${comparison.sameCountAsBaseline}, ` +
        `same records as the connector's: ${comparison.sameRecordsAsConnector}, ` +
        `one call per window in every run: ${comparison.oneCallPerWindowEveryRun}; connector / faros: ` +
        `${comparison.throughputRatio}x the records/s, ${comparison.rssRatio}x the peak RSS (medians)`,
    );
  } else if (faros !== undefined && 'skipped' in faros) {
    console.log(`faros-airbyte-cdk comparison skipped: ${faros.skipped}`);
  }
}

function printMemory(result: MemoryResult, sameBackfill: ThroughputResult | undefined): void {
  console.log(`peak RSS by ${result.method}; node -e 0 alone: ${result.bareNodeRssMB} MB`);
  const rows: (string | number)[][] = [['read', 'records', 'body MB', 'calls', 'wall ms', 'peak RSS MB']];
  if (sameBackfill) {
    rows.push([
      `steady, ${sameBackfill.dataset.days} days (throughput runs, max)`,
      sameBackfill.dataset.records,
      '',
      sameBackfill.connectorCalls,
      sameBackfill.connector.medianWallMs,
      sameBackfill.connector.maxMaxRssMB ?? Number.NaN,
    ]);
  }
  for (const run of [result.longBackfill, result.slowReader, result.bigResponse]) {
    rows.push([run.what, run.records, run.bodyMB ?? '', run.calls, run.wallMs, run.maxRssMB]);
  }
  console.log(table(rows));
  const slow = result.slowReader;
  console.log(
    `slow reader: ${slow.recordsDelivered.toLocaleString('en-US')} of ${slow.records.toLocaleString('en-US')} ` +
      `records delivered, ${slow.stdoutMB} MB read from the pipe at ${slow.readMBPerSecond} MB/s on average`,
  );
  console.log(
    `big response: ${result.bigResponse.recordsDelivered.toLocaleString('en-US')} of ` +
      `${result.bigResponse.records.toLocaleString('en-US')} records delivered`,
  );
}

function printCalls(cases: CallsCase[]): void {
  console.log(
    table([
      [
        'dataset',
        'order',
        'records',
        'delivered',
        'calls',
        'truncated',
        '404',
        'minimum',
        'calls/min',
        'wall ms',
      ],
      ...cases.map((c) => [
        `${c.preset} ${c.days} d`,
        c.order,
        c.records,
        c.recordsDelivered,
        c.calls,
        c.truncated,
        c.notFound,
        c.minimum,
        c.ratio,
        c.wallMs,
      ]),
    ]),
  );
}

function printStartup(cases: StartupCase[]): void {
  console.log(
    table([
      ['command', 'runs', 'median ms', 'min ms', 'max ms', 'over node -e 0 ms'],
      ...cases.map((c) => [c.command, c.runs, c.medianMs, c.minMs, c.maxMs, c.overBareNodeMs]),
    ]),
  );
}

interface Results {
  throughput?: ThroughputResult;
  memory?: MemoryResult;
  calls?: CallsCase[];
  state?: StateSizeResult[];
  startup?: StartupCase[];
}

function goals(results: Results): Goal[] {
  const list: Goal[] = [];
  if (results.throughput) {
    list.push({
      name: 'throughput, connector/baseline records/s',
      target: `>= ${GOALS.throughputRatio}x`,
      measured: `${results.throughput.ratio}x`,
      met: results.throughput.ratio >= GOALS.throughputRatio,
    });
    const faros = results.throughput.faros;
    if (faros !== undefined && 'side' in faros) {
      list.push({
        name: 'connector throughput >= 3x faros',
        target: `>= ${GOALS.farosThroughputRatio}x faros-airbyte-cdk records/s`,
        measured: `${faros.throughputRatio}x`,
        met:
          faros.throughputRatio >= GOALS.farosThroughputRatio &&
          faros.sameCountAsBaseline &&
          faros.sameRecordsAsConnector &&
          faros.oneCallPerWindowEveryRun,
      });
      list.push({
        name: 'connector peak RSS < 0.5x faros',
        target: `< ${GOALS.farosRssRatio}x faros-airbyte-cdk peak RSS`,
        measured: `${faros.rssRatio}x (${results.throughput.connector.medianMaxRssMB} / ${faros.side.medianMaxRssMB} MB)`,
        met: faros.rssRatio < GOALS.farosRssRatio,
      });
    }
  }
  const peaks: [string, number | undefined][] = [
    ['peak RSS, backfill', results.throughput?.connector.maxMaxRssMB],
    ['peak RSS, 3x longer backfill', results.memory?.longBackfill.maxRssMB],
    ['peak RSS, slow stdout reader', results.memory?.slowReader.maxRssMB],
    ['peak RSS, 256 MiB response', results.memory?.bigResponse.maxRssMB],
  ];
  for (const [name, value] of peaks) {
    if (value === undefined) continue;
    list.push({ name, target: `< ${GOALS.rssMB} MB`, measured: `${value} MB`, met: value < GOALS.rssMB });
  }
  const slow = results.memory?.slowReader;
  if (slow) {
    list.push({
      name: 'slow stdout reader, run completes',
      target: 'every record delivered',
      measured: `${slow.recordsDelivered}/${slow.records}`,
      met: slow.recordsDelivered === slow.records,
    });
  }
  for (const c of results.calls ?? []) {
    list.push({
      name: `API calls, ${c.preset} ${c.order}`,
      target: `<= ${GOALS.callsRatio}x minimum`,
      measured: `${c.calls}/${c.minimum} = ${c.ratio}x`,
      met: c.ratio <= GOALS.callsRatio && c.recordsDelivered === c.records,
    });
  }
  const spec = results.startup?.find((c) => c.command === 'spec');
  if (spec) {
    list.push({
      name: 'start-up, spec median',
      target: `< ${GOALS.specMs} ms`,
      measured: `${spec.medianMs} ms`,
      met: spec.medianMs < GOALS.specMs,
    });
  }
  return list;
}

function printState(results: StateSizeResult[]): void {
  const kb = (bytes: number) => round(bytes / 1000, 1);
  const rows: (string | number)[][] = [
    ['bodies', 'sync', 'STATE messages', 'peak state KB', 'peak ids', 'final state KB', 'final ids'],
  ];
  for (const result of results) {
    const { backfill, incremental } = result;
    rows.push([
      result.order,
      `backfill, ${result.days} days up to now`,
      backfill.states,
      kb(backfill.peakBytes),
      backfill.peakIds,
      kb(backfill.finalBytes),
      backfill.finalIds,
    ]);
    rows.push([
      result.order,
      `incremental (${incremental.records} new)`,
      '',
      '',
      '',
      kb(incremental.finalBytes),
      incremental.finalIds,
    ]);
  }
  console.log(table(rows));
}

async function main(): Promise<void> {
  const { sections, out, faros } = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const host = machine();
  section('machine');
  console.log(
    `${host.cpuModel}, ${host.cores} cores, ${host.memoryGiB} GiB, node ${host.node}, Linux ${host.kernel}, ` +
      `commit ${host.commit ?? '?'}${host.dirty ? ' + uncommitted changes' : ''}`,
  );
  console.log(`connector: ${cliPath()}; every node process started without node flags (no NODE_OPTIONS)`);

  const results: Results = {};
  const timings: Record<string, number> = {};
  const timed = async <T>(name: Section, run: () => Promise<T>): Promise<T> => {
    const at = performance.now();
    try {
      return await run();
    } finally {
      timings[name] = round((performance.now() - at) / 1000, 1);
    }
  };
  if (sections.includes('throughput')) {
    section(
      '1. throughput: backfill, stdout to /dev/null, against the baseline reader and faros-airbyte-cdk',
    );
    results.throughput = await timed('throughput', () => throughput({ ...SETTINGS.throughput, faros }));
    printThroughput(results.throughput);
  }
  if (sections.includes('memory')) {
    section('2. memory: peak RSS of the connector process');
    results.memory = await timed('memory', () => memory(SETTINGS.memory));
    printMemory(results.memory, results.throughput);
  }
  if (sections.includes('calls')) {
    section('3. API calls against the offline minimum');
    results.calls = await timed('calls', () => apiCalls(SETTINGS.calls));
    printCalls(results.calls);
  }
  if (sections.includes('startup')) {
    section('4. start-up');
    results.startup = await timed('startup', () => startup(SETTINGS.startup.runs));
    printStartup(results.startup);
  }
  if (sections.includes('state')) {
    section('5. state size at 20,000 transfers a day');
    const { orders, ...settings } = SETTINGS.state;
    results.state = await timed('state', async () => {
      const cases: StateSizeResult[] = [];
      for (const order of orders) cases.push(await stateSize({ ...settings, order }));
      return cases;
    });
    printState(results.state);
  }

  const goalList = goals(results);
  section('goals (reported, not asserted)');
  console.log(
    table([
      ['goal', 'target', 'measured', ''],
      ...goalList.map((goal) => [goal.name, goal.target, goal.measured, goal.met ? 'met' : 'MISSED']),
    ]),
  );
  const totalSeconds = round((performance.now() - started) / 1000, 1);
  console.log(
    `\nbench took ${totalSeconds} s (${Object.entries(timings)
      .map(([k, v]) => `${k} ${v} s`)
      .join(', ')})`,
  );

  if (out !== undefined) {
    mkdirSync(dirname(out), { recursive: true });
    const document = {
      generatedAt: new Date().toISOString(),
      machine: host,
      connector: relative(REPO_ROOT, cliPath()),
      settings: SETTINGS,
      goals: goalList,
      seconds: { total: totalSeconds, ...timings },
      ...results,
    };
    // Formatted as `prettier --check .` (npm run lint) expects the committed file to be.
    writeFileSync(out, await format(JSON.stringify(document), { parser: 'json' }));
    console.log(`results written to ${out}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
