import { startBigResponse } from './lib/big-response.js';
import { MessageTally, readArgs, requireSuccess, runNode, RSS_METHOD } from './lib/process.js';
import { MB, MIB, round } from './lib/report.js';
import { benchSimulator, presetOver } from './lib/sim.js';

export interface MemoryRun {
  what: string;
  records: number;
  bodyMB: number | undefined;
  calls: number;
  wallMs: number;
  maxRssMB: number;
}

export interface MemoryResult {
  method: string;
  /** `node -e 0`: what any node process costs. */
  bareNodeRssMB: number;
  longBackfill: MemoryRun;
  /** A backfill whose stdout is read through a pipe at a limited rate: memory must not grow with it. */
  slowReader: MemoryRun & { recordsDelivered: number; stdoutMB: number; readMBPerSecond: number };
  bigResponse: MemoryRun & { recordsDelivered: number };
}

const rssMB = (kb: number | undefined): number => round(((kb ?? Number.NaN) * 1024) / MB, 1);

/** A backfill of `days` whose stdout is read at `mbPerSecond` (MB = 10^6 bytes) through a FIFO. */
async function slowReaderRun(days: number, mbPerSecond: number): Promise<MemoryResult['slowReader']> {
  const dataset = presetOver('steady', days);
  const { sim } = await benchSimulator(dataset);
  try {
    const tally = new MessageTally();
    const run = await runNode(readArgs(sim.connectorConfig()), {
      measureRss: true,
      onLine: tally.onLine,
      stdoutBytesPerSecond: mbPerSecond * MB,
    });
    requireSuccess(run, 'backfill through a slow reader');
    const stdoutMB = round((run.stdoutBytes ?? Number.NaN) / MB, 1);
    return {
      what: `steady, ${days} days, stdout read at ${mbPerSecond} MB/s`,
      records: dataset.size,
      bodyMB: undefined,
      calls: sim.stats().total,
      wallMs: round(run.wallMs),
      maxRssMB: rssMB(run.maxRssKb),
      recordsDelivered: tally.records,
      stdoutMB,
      readMBPerSecond: round(stdoutMB / (run.wallMs / 1000), 1),
    };
  } finally {
    await sim.close();
  }
}

/**
 * Peak RSS of `node -e 0`, of a backfill `longDays` long, of a `slowReaderDays` backfill read through
 * a slow pipe, and of one response of `bigBodyBytes`. The connector runs with no node flags.
 */
export async function memory(options: {
  longDays: number;
  slowReaderDays: number;
  slowReaderMBPerSecond: number;
  bigRecords: number;
  bigBodyBytes: number;
}): Promise<MemoryResult> {
  const bare = await runNode(['-e', '0'], { measureRss: true });
  requireSuccess(bare, 'node -e 0');

  const dataset = presetOver('steady', options.longDays);
  const { sim } = await benchSimulator(dataset);
  let longBackfill: MemoryRun;
  try {
    const run = await runNode(readArgs(sim.connectorConfig()), { measureRss: true });
    requireSuccess(run, 'long backfill');
    longBackfill = {
      what: `steady, ${options.longDays} days`,
      records: dataset.size,
      bodyMB: undefined,
      calls: sim.stats().total,
      wallMs: round(run.wallMs),
      maxRssMB: rssMB(run.maxRssKb),
    };
  } finally {
    await sim.close();
  }

  const slowReader = await slowReaderRun(options.slowReaderDays, options.slowReaderMBPerSecond);

  const big = await startBigResponse(options.bigRecords, options.bigBodyBytes);
  try {
    // stdout is counted here (not /dev/null): the check that all records came through is worth the
    // parent's time, and the connector's memory does not depend on who reads its stdout.
    const tally = new MessageTally();
    const run = await runNode(readArgs(big.config), { measureRss: true, onLine: tally.onLine });
    requireSuccess(run, 'big response');
    return {
      method: RSS_METHOD,
      bareNodeRssMB: rssMB(bare.maxRssKb),
      longBackfill,
      slowReader,
      bigResponse: {
        what: `one chat_9 answer of ${round(big.bodyBytes / MIB)} MiB`,
        records: big.records,
        bodyMB: round(big.bodyBytes / MB, 1),
        calls: big.calls(),
        wallMs: round(run.wallMs),
        maxRssMB: rssMB(run.maxRssKb),
        recordsDelivered: tally.records,
      },
    };
  } finally {
    await big.close();
  }
}
