import { generateDataset } from '../src/simulator/index.js';
import { SECONDS_PER_DAY } from '../src/time/local-time.js';
import { wallClockAt } from '../src/time/zone.js';
import { benchSimulator, CAP, SEED } from './lib/sim.js';
import { readArgs, requireSuccess, runNode, writeJsonFiles } from './lib/process.js';

export interface StateSizeResult {
  /** Order of the simulator's truncated bodies: unordered ones leave the most ids beyond the cursor. */
  order: 'ascending' | 'random';
  transfersPerDay: number;
  days: number;
  settleMinutes: number;
  /** The backfill up to now: STATE messages, their largest and last stream_state (bytes, ids). */
  backfill: { states: number; peakBytes: number; peakIds: number; finalBytes: number; finalIds: number };
  /** An incremental sync right after the backfill, with a few minutes of new transfers. */
  incremental: { records: number; finalBytes: number; finalIds: number };
}

interface StateStats {
  states: number;
  peakBytes: number;
  peakIds: number;
  finalBytes: number;
  finalIds: number;
  last: unknown;
  records: number;
}

function idsIn(streamState: { delivered_ids?: Record<string, string[]> }): number {
  return Object.values(streamState.delivered_ids ?? {}).reduce((sum, ids) => sum + ids.length, 0);
}

async function readStates(config: object, state?: unknown): Promise<StateStats> {
  const stats: StateStats = {
    states: 0,
    peakBytes: 0,
    peakIds: 0,
    finalBytes: 0,
    finalIds: 0,
    last: undefined,
    records: 0,
  };
  const args = readArgs(config);
  if (state !== undefined) args.push('--state', writeJsonFiles({ state: [state] }).state!);
  const run = await runNode(args, {
    onLine: (line) => {
      if (line.startsWith('{"type":"RECORD"')) stats.records += 1;
      if (!line.startsWith('{"type":"STATE"')) return;
      const message = JSON.parse(line) as { state: { stream: { stream_state: Record<string, unknown> } } };
      const streamState = message.state.stream.stream_state;
      const bytes = Buffer.byteLength(JSON.stringify(streamState));
      stats.states += 1;
      stats.peakBytes = Math.max(stats.peakBytes, bytes);
      stats.peakIds = Math.max(stats.peakIds, idsIn(streamState));
      stats.finalBytes = bytes;
      stats.finalIds = idsIn(streamState);
      stats.last = message.state;
    },
  });
  requireSuccess(run, 'state-size read');
  return stats;
}

/**
 * The size of the stream state a busy operation carries: a backfill of `days` days at
 * `transfersPerDay` up to now (no end_date), then an incremental sync. The settled span's ids and,
 * during a split window, the ids a truncated response delivered beyond the cursor are in the state.
 */
export async function stateSize(settings: {
  transfersPerDay: number;
  days: number;
  order: 'ascending' | 'random';
}): Promise<StateSizeResult> {
  const now = wallClockAt('America/Bogota', Date.now());
  const from = (Math.floor(now / SECONDS_PER_DAY) - settings.days + 1) * SECONDS_PER_DAY;
  const dataset = generateDataset({
    seed: SEED,
    from,
    to: now - 60,
    transfersPerDay: settings.transfersPerDay,
  });
  const { sim } = await benchSimulator(dataset, { cap: CAP, order: settings.order });
  try {
    const config = sim.connectorConfig({ withEndDate: false });
    const backfill = await readStates(config);
    sim.append(200, { until: wallClockAt('America/Bogota', Date.now()) - 1 });
    const incremental = await readStates(config, backfill.last);
    return {
      ...settings,
      settleMinutes: 15,
      backfill: {
        states: backfill.states,
        peakBytes: backfill.peakBytes,
        peakIds: backfill.peakIds,
        finalBytes: backfill.finalBytes,
        finalIds: backfill.finalIds,
      },
      incremental: {
        records: incremental.records,
        finalBytes: incremental.finalBytes,
        finalIds: incremental.finalIds,
      },
    };
  } finally {
    await sim.close();
  }
}
