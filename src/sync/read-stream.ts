import type { ConnectorConfig } from '../config/config.js';
import type { StreamDefinition } from '../streams/definition.js';
import { formatLocal, SECONDS_PER_DAY, type LocalSeconds } from '../time/local-time.js';
import { earliestWallClockAt, OffsetFormatter, wallClockAt } from '../time/zone.js';
import { CallBudgetExhaustedError, type ReportsClient } from '../wolkvox/types.js';
import { Checkpointer } from './checkpointer.js';
import { DeliveredLedger } from './delivered-ledger.js';
import { WindowReads } from './lookahead.js';
import type { SyncOutput } from './output.js';
import { SyncProgress, type SyncTotals } from './progress.js';
import { parseStreamState, toStreamState, type Checkpoint } from './stream-state.js';
import { WindowPlanner } from './window-planner.js';
import { WindowReader } from './window-reader.js';

export interface SyncParams {
  stream: StreamDefinition;
  client: ReportsClient;
  config: ConnectorConfig;
  syncMode: 'full_refresh' | 'incremental';
  /** The stream_state object handed in, or undefined. */
  state: unknown;
  output: SyncOutput;
  /** Epoch milliseconds. */
  now: () => number;
}

export interface SyncSummary extends SyncTotals {
  /** The per-sync call budget stopped the sync early; the next one continues from `finalState`. */
  budgetExhausted: boolean;
  finalState: ReturnType<typeof toStreamState>;
}

function onlyLastCallLeft(budget: number | undefined, client: ReportsClient): boolean {
  return budget !== undefined && budget - client.callsMade <= 1;
}

/** The longest window whose request (one second of padding each side) spans at most maxWindowDays. */
export function maxWindowSeconds(maxWindowDays: number): number {
  return maxWindowDays * SECONDS_PER_DAY - 2;
}

interface SyncStart {
  checkpoint: Checkpoint;
  /** First second to read. */
  from: LocalSeconds;
  /** Last second to read; nothing is read when it is before `from`. */
  to: LocalSeconds;
  /** Ids at the cursor that this sync must not deliver again. */
  skipIds: string[];
}

/**
 * Where this sync reads: from start_date (full refresh, or no state), else from the state's
 * cursor (inclusive, skipping the ids listed there) or that cursor minus the lookback (skipping
 * nothing). Up to end_date, or the operation's wall clock now.
 */
function syncStart({ stream, config, syncMode, state }: SyncParams, nowMillis: number): SyncStart {
  const saved = syncMode === 'incremental' ? parseStreamState(stream.name, state) : undefined;
  const to = config.endDate ?? wallClockAt(config.timezone, nowMillis);
  if (saved === undefined) {
    return {
      checkpoint: { cursor: config.startDate, idsAtCursor: [] },
      from: config.startDate,
      to,
      skipIds: [],
    };
  }
  // A cursor beyond the end: nothing to read, and the state stays as it is.
  if (saved.cursor > to) return { checkpoint: saved, from: saved.cursor, to: saved.cursor - 1, skipIds: [] };
  const from = Math.max(config.startDate, saved.cursor - config.lookbackSeconds);
  return { checkpoint: saved, from, to, skipIds: from === saved.cursor ? saved.idsAtCursor : [] };
}

/**
 * Reads one stream: windows planned to stay under the per-call record cap, records emitted as they
 * stream and delivered exactly once across splits and retries, a STATE after each complete window.
 */
export async function syncStream(params: SyncParams): Promise<SyncSummary> {
  const { stream, client, config, output } = params;
  const nowMillis = params.now();
  const start = syncStart(params, nowMillis);
  const cap = config.recordsPerCallLimit;
  const ledger = new DeliveredLedger();
  for (const id of start.skipIds) {
    ledger.raise(id, { keepUntil: start.checkpoint.cursor, count: ledger.count(id) + 1, undated: false });
  }
  const planner = new WindowPlanner({
    end: start.to,
    cap,
    maxWindowSeconds: maxWindowSeconds(config.maxWindowDays),
  });
  const progress = new SyncProgress(output, stream.name, () => client.callsMade);
  const checkpointer = new Checkpointer(output, start.checkpoint, earliestWallClockAt(nowMillis));
  const reader = new WindowReader({
    client,
    stream,
    offsets: new OffsetFormatter(config.timezone),
    ledger,
    output,
    cap,
    onEmitted: (record) => {
      progress.recordEmitted(record);
      checkpointer.recordEmitted();
    },
  });
  const reads = new WindowReads(config.maxConcurrentRequests, (window, gate, signal) =>
    reader.read(window, gate, signal),
  );
  let budgetExhausted = false;
  await checkpointer.start();
  try {
    let from = start.from;
    while (from <= start.to) {
      if (onlyLastCallLeft(config.callBudget, client) && ledger.isEmpty) {
        // A new window could come back truncated with its records emitted and no state covering
        // them: the next sync would deliver them again. The last call only finishes a split.
        throw new CallBudgetExhaustedError(config.callBudget!);
      }
      const { window, outcome } = await reads.read(from, start.to, (next) => planner.windowFrom(next));
      if (outcome.truncated && window.to > window.from) {
        planner.truncated(window, outcome.sample);
        progress.split(window, cap, planner.windowFrom(window.from));
        continue;
      }
      if (outcome.truncated) progress.unsplittable(window, cap);
      ledger.prune(window.to);
      planner.completed(window, outcome.sample);
      progress.windowCompleted(window, start.to);
      // A state goes out only once it covers every record emitted so far: a truncated response
      // may have emitted records beyond this window, and resuming here would repeat them.
      await checkpointer.windowCompleted(window, outcome, ledger.isEmpty);
      from = window.to + 1;
    }
    await checkpointer.finish();
  } catch (error) {
    if (!(error instanceof CallBudgetExhaustedError)) throw error;
    budgetExhausted = true;
    output.log(
      'WARN',
      `${stream.name}: API call budget of ${error.budget} reached after ${progress.callsSoFar} calls; ` +
        `the next sync continues from ${formatLocal(checkpointer.lastEmitted.cursor)}.`,
    );
  } finally {
    await reads.close();
  }
  const totals = progress.finish(budgetExhausted ? 'stopped at the call budget' : 'sync done');
  return { ...totals, budgetExhausted, finalState: toStreamState(checkpointer.lastEmitted) };
}
