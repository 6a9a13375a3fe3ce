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
  bigResponse: MemoryRun & { recordsDelivered: number };
}

const rssMB = (kb: number | undefined): number => round(((kb ?? Number.NaN) * 1024) / MB, 1);

/** Peak RSS of `node -e 0`, of a backfill `days` long, and of one response of `bigBodyBytes`. */
export async function memory(options: {
  longDays: number;
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
