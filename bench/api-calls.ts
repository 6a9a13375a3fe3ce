import type { PresetName, RecordOrder } from '../src/simulator/index.js';
import { minimumCalls } from '../src/demo/minimum-calls.js';
import { maxWindowSeconds } from '../src/sync/read-stream.js';
import { MessageTally, readArgs, requireSuccess, runNode } from './lib/process.js';
import { round } from './lib/report.js';
import { benchSimulator, CAP, presetOver, storedDates } from './lib/sim.js';

/** The connector's default max_window_days. */
const MAX_WINDOW_DAYS = 31;

export interface CallsCase {
  preset: PresetName;
  order: RecordOrder;
  days: number;
  records: number;
  recordsDelivered: number;
  calls: number;
  /** Answers that reached the cap (the window had more records than it returned). */
  truncated: number;
  notFound: number;
  minimum: number;
  ratio: number;
  wallMs: number;
}

/**
 * Calls a full backfill makes (simulator's count) against the offline minimum for that dataset:
 * minimumCalls with the connector's own cap and longest window (31 days less its 2 padding seconds).
 */
export async function apiCalls(options: {
  days: number;
  presets: readonly PresetName[];
  orders: readonly RecordOrder[];
}): Promise<CallsCase[]> {
  const cases: CallsCase[] = [];
  for (const preset of options.presets) {
    const dataset = presetOver(preset, options.days);
    const range = { from: dataset.settings.from, to: dataset.settings.to };
    const minimum = minimumCalls(storedDates(dataset), range, CAP, maxWindowSeconds(MAX_WINDOW_DAYS));
    for (const order of options.orders) {
      const { sim } = await benchSimulator(dataset, { order });
      try {
        const tally = new MessageTally();
        const run = await runNode(readArgs(sim.connectorConfig()), { onLine: tally.onLine });
        requireSuccess(run, `${preset}/${order}`);
        const stats = sim.stats();
        const log = sim.calls();
        cases.push({
          preset,
          order,
          days: options.days,
          records: dataset.size,
          recordsDelivered: tally.records,
          calls: stats.total,
          truncated: log.filter((call) => call.status === 200 && call.matched > call.records).length,
          notFound: stats.byStatus['404'] ?? 0,
          minimum,
          ratio: round(stats.total / minimum, 3),
          wallMs: round(run.wallMs),
        });
      } finally {
        await sim.close();
      }
    }
  }
  return cases;
}
