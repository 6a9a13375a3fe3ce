import { fileURLToPath } from 'node:url';
import type { BaselineSummary } from './baseline-reader.js';
import { prepareFaros } from './lib/faros.js';
import {
  CATALOG_PATH,
  MessageTally,
  readArgs,
  RecordDigest,
  requireSuccess,
  runNode,
  writeJsonFiles,
  type MeasuredRun,
} from './lib/process.js';
import { median, MB, round } from './lib/report.js';
import { benchSimulator, completeWindows, presetOver } from './lib/sim.js';

const BASELINE_PATH = fileURLToPath(new URL('./baseline-reader.js', import.meta.url));

export interface ThroughputOptions {
  days: number;
  runs: number;
  /** Also run the faros-airbyte-cdk connector (bench/faros) in every round. */
  faros: boolean;
}

export interface RunFigures {
  wallMs: number;
  cpuSeconds: number | undefined;
  maxRssMB: number | undefined;
  records: number;
  /** Bytes the simulator wrote to this client (headers and bodies). */
  bytesServed: number;
  calls: number;
  recordsPerSecond: number;
  mbPerSecond: number;
}

export interface SideSummary {
  runs: RunFigures[];
  medianRecordsPerSecond: number;
  medianMBPerSecond: number;
  medianWallMs: number;
  medianCpuSeconds: number | undefined;
  medianMaxRssMB: number | undefined;
  maxMaxRssMB: number | undefined;
}

export interface ThroughputResult {
  dataset: { preset: string; days: number; records: number };
  windows: number;
  /** Calls of the connector's warm-up run, and whether every timed run made the same calls. */
  connectorCalls: number;
  sameCallsEveryRun: boolean;
  /** Records the warm-up run delivered (counted on stdout) against the dataset's size. */
  recordsDelivered: number;
  connector: SideSummary;
  baseline: SideSummary;
  /** Median records/s of the connector over the baseline's. */
  ratio: number;
  faros: FarosComparison | { skipped: string } | undefined;
}

/** The same windows read by the transfers stream written on faros-airbyte-cdk (bench/faros). */
export interface FarosComparison {
  cdkVersion: string;
  /**
   * Records of its checked warm-up run (the baseline's count for the same windows: the second where
   * two windows meet is read twice); whether they are the baseline's count, and whether its distinct
   * records equal, value for value, those of the connector's warm-up run.
   */
  recordsDelivered: number;
  sameCountAsBaseline: boolean;
  sameRecordsAsConnector: boolean;
  /** Every timed run made one call per window (a failed, retried or skipped window would show). */
  oneCallPerWindowEveryRun: boolean;
  side: SideSummary;
  /** Median records/s of the connector over faros's. */
  throughputRatio: number;
  /** Median peak RSS of the connector over faros's. */
  rssRatio: number;
}

function figures(run: MeasuredRun, records: number, bytesServed: number, calls: number): RunFigures {
  const seconds = run.wallMs / 1000;
  return {
    wallMs: round(run.wallMs),
    cpuSeconds: run.cpuSeconds,
    maxRssMB: run.maxRssKb === undefined ? undefined : round((run.maxRssKb * 1024) / MB, 1),
    records,
    bytesServed,
    calls,
    recordsPerSecond: round(records / seconds),
    mbPerSecond: round(bytesServed / MB / seconds, 1),
  };
}

function summarise(runs: RunFigures[]): SideSummary {
  const defined = (values: (number | undefined)[]) => values.filter((v): v is number => v !== undefined);
  const rss = defined(runs.map((run) => run.maxRssMB));
  const cpu = defined(runs.map((run) => run.cpuSeconds));
  return {
    runs,
    medianRecordsPerSecond: round(median(runs.map((run) => run.recordsPerSecond))),
    medianMBPerSecond: round(median(runs.map((run) => run.mbPerSecond)), 1),
    medianWallMs: round(median(runs.map((run) => run.wallMs))),
    medianCpuSeconds: cpu.length > 0 ? round(median(cpu), 2) : undefined,
    medianMaxRssMB: rss.length > 0 ? round(median(rss), 1) : undefined,
    maxMaxRssMB: rss.length > 0 ? Math.max(...rss) : undefined,
  };
}

/**
 * A backfill of the `steady` preset (about 5,000 transfers a day) read by the connector, stdout to
 * /dev/null, alternating with the baseline reader fetching the windows the connector's run used and,
 * with `faros`, the faros-airbyte-cdk connector reading the same windows (skipped, with the reason,
 * when it cannot be installed). Every process runs without node flags.
 */
export async function throughput({ days, runs, faros }: ThroughputOptions): Promise<ThroughputResult> {
  const farosConnector = faros ? prepareFaros() : undefined;
  const dataset = presetOver('steady', days);
  const { sim, bytes } = await benchSimulator(dataset);
  try {
    const args = readArgs(sim.connectorConfig());
    // Warm-up run, untimed: warms the simulator, checks delivery, and logs the windows.
    const tally = new MessageTally();
    const digest = new RecordDigest();
    sim.resetStats();
    const onLine = (line: string) => {
      tally.onLine(line);
      digest.onLine(line);
    };
    requireSuccess(await runNode(args, { onLine }), 'connector warm-up');
    if (tally.errors.length > 0) throw new Error(`connector warm-up failed: ${tally.errors.join('; ')}`);
    const warmCalls = sim.calls();
    const windows = completeWindows(warmCalls);
    const { job: jobPath, farosConfig } = writeJsonFiles({
      job: { url: sim.url, token: sim.token, server: sim.wolkvoxServer, windows },
      farosConfig: {
        wolkvox_server: sim.wolkvoxServer,
        wolkvox_token: sim.token,
        base_url: sim.url,
        windows,
      },
    });
    const farosArgs = farosConnector?.ready
      ? [farosConnector.main, 'read', '--config', farosConfig!, '--catalog', CATALOG_PATH]
      : undefined;
    const farosDigest = new RecordDigest();
    if (farosArgs) {
      requireSuccess(await runNode(farosArgs, { onLine: farosDigest.onLine }), 'faros warm-up');
      if (farosDigest.errors.length > 0)
        throw new Error(`faros warm-up failed: ${farosDigest.errors.join('; ')}`);
    }
    const callKey = (calls: typeof warmCalls) => calls.map((c) => `${c.dateIni}-${c.dateEnd}`).join(',');
    const warmKey = callKey(warmCalls);
    let sameCallsEveryRun = true;

    const connectorRuns: RunFigures[] = [];
    const baselineRuns: RunFigures[] = [];
    const farosRuns: RunFigures[] = [];
    for (let round = 0; round < runs; round++) {
      sim.resetStats();
      bytes.reset();
      const run = await runNode(args, { measureRss: true });
      requireSuccess(run, 'connector');
      sameCallsEveryRun &&= callKey(sim.calls()) === warmKey;
      connectorRuns.push(figures(run, dataset.size, bytes.bytes, sim.stats().total));

      sim.resetStats();
      bytes.reset();
      const base = await runNode([BASELINE_PATH, jobPath!], { measureRss: true });
      requireSuccess(base, 'baseline reader');
      const summary = JSON.parse(base.stderrTail.trim().split('\n').pop() ?? '{}') as BaselineSummary;
      baselineRuns.push(figures(base, summary.records, bytes.bytes, sim.stats().total));

      if (farosArgs) {
        sim.resetStats();
        bytes.reset();
        const run = await runNode(farosArgs, { measureRss: true });
        requireSuccess(run, 'faros connector');
        farosRuns.push(figures(run, farosDigest.records, bytes.bytes, sim.stats().total));
      }
    }
    const connector = summarise(connectorRuns);
    const baseline = summarise(baselineRuns);
    let farosResult: ThroughputResult['faros'];
    if (farosConnector?.ready) {
      const side = summarise(farosRuns);
      farosResult = {
        cdkVersion: farosConnector.cdkVersion,
        recordsDelivered: farosDigest.records,
        sameCountAsBaseline: baselineRuns.every((run) => run.records === farosDigest.records),
        sameRecordsAsConnector:
          farosDigest.distinctRecords === digest.records && farosDigest.digest === digest.digest,
        oneCallPerWindowEveryRun: farosRuns.every((run) => run.calls === windows.length),
        side,
        throughputRatio: round(connector.medianRecordsPerSecond / side.medianRecordsPerSecond, 2),
        rssRatio: round((connector.medianMaxRssMB ?? Number.NaN) / (side.medianMaxRssMB ?? Number.NaN), 2),
      };
    } else if (farosConnector) {
      farosResult = { skipped: farosConnector.reason };
    }
    return {
      dataset: { preset: 'steady', days, records: dataset.size },
      windows: windows.length,
      connectorCalls: warmCalls.length,
      sameCallsEveryRun,
      recordsDelivered: tally.records,
      connector,
      baseline,
      ratio: round(connector.medianRecordsPerSecond / baseline.medianRecordsPerSecond, 2),
      faros: farosResult,
    };
  } finally {
    await sim.close();
  }
}
