import type { ConnectorConfig } from '../config/config.js';
import { ConfigError } from '../errors/index.js';
import { createWindowPlanner, type Window } from '../planner/index.js';
import type { StreamDefinition } from '../streams/definition.js';
import { formatLocal, SECONDS_PER_DAY, type LocalSeconds } from '../time/local-time.js';
import { earliestWallClockAt, earliestWallClockFrom, OffsetFormatter, wallClockAt } from '../time/zone.js';
import { CallBudgetExhaustedError, type ReportsClient } from '../wolkvox/types.js';
import { Checkpointer } from './checkpointer.js';
import { DeliveredLedger } from './delivered-ledger.js';
import { WindowReads } from './lookahead.js';
import type { SyncOutput } from './output.js';
import { stopAtBudget } from './budget-stop.js';
import { SyncProgress, type SyncTotals } from './progress.js';
import { parseStreamState, type Checkpoint } from './stream-state.js';
import { WindowReader, type WindowOutcome } from './window-reader.js';

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
  finalState: Record<string, unknown>;
}

/** The longest window whose request (one second of padding each side) spans at most maxWindowDays. */
export function maxWindowSeconds(maxWindowDays: number): number {
  return maxWindowDays * SECONDS_PER_DAY - 2;
}

/** A run of 404 answers this long, with nothing else, is worth a warning: the report may be disabled. */
const SUSPICIOUS_NOT_FOUND_SECONDS = 7 * SECONDS_PER_DAY;

interface SyncStart {
  checkpoint: Checkpoint;
  /** First second to read. */
  from: LocalSeconds;
  /** Last second to read; nothing is read when it is before `from`. */
  to: LocalSeconds;
}

/**
 * Where this sync reads: from start_date (no usable state), else from the state's settled span
 * (skipping the ids it lists), or earlier by the lookback (re-delivering what lies before the
 * settled span). A full refresh resumes only a full refresh in progress. Up to end_date, or the
 * operation's wall clock now.
 */
function syncStart({ stream, config, syncMode, state }: SyncParams, nowMillis: number): SyncStart {
  const saved = parseStreamState(stream.name, state);
  const resumable =
    saved !== undefined && (syncMode === 'incremental' || saved.fullRefreshInProgress === true);
  const to = config.endDate ?? wallClockAt(config.timezone, nowMillis);
  if (!resumable) {
    const checkpoint = { cursor: config.startDate, settledFrom: config.startDate, delivered: [] };
    return { checkpoint, from: config.startDate, to };
  }
  const lookbackFrom = saved.cursor - config.lookbackSeconds;
  return {
    checkpoint: saved,
    from: Math.max(config.startDate, Math.min(saved.settledFrom, lookbackFrom)),
    to,
  };
}

/**
 * Reads one stream: windows planned to stay under the per-call record cap, records emitted as they
 * stream and delivered exactly once across splits, retries, re-reads and later syncs, and a STATE
 * after every complete window (and when the sync stops early).
 *
 * Throws the client's ConnectorError (after a STATE covering every record emitted), ConfigError for
 * an unusable state or a call budget too small for this stream to finish one window with the whole
 * budget to itself, and TransientError when the call budget stops a full refresh (it is incomplete).
 * The client may be shared by several streams of a sync: the budget counts calls across them.
 */
export async function syncStream(params: SyncParams): Promise<SyncSummary> {
  const { stream, client, config, output } = params;
  const nowMillis = params.now();
  const start = syncStart(params, nowMillis);
  const present = earliestWallClockFrom(config.timezone, nowMillis);
  const cap = config.recordsPerCallLimit;
  const longest = maxWindowSeconds(config.maxWindowDays);
  const ledger = new DeliveredLedger(start.checkpoint.delivered);
  const planner = createWindowPlanner({ end: start.to, cap, maxWindowSeconds: longest });
  const progress = new SyncProgress(output, stream.name, () => client.callsMade);
  const fullRefresh = params.syncMode === 'full_refresh';
  const checkpointer = new Checkpointer({
    output,
    counts: progress.totals,
    ledger,
    start: start.checkpoint,
    horizon: earliestWallClockAt(nowMillis),
    present,
    settleSeconds: config.settleSeconds,
    maxWindowSeconds: longest,
    fullRefresh,
  });
  const reader = new WindowReader({
    stream,
    offsets: new OffsetFormatter(config.timezone, nowMillis),
    ledger,
    output,
    counts: progress.totals,
    cap,
    present,
  });
  const reads = new WindowReads(config.maxConcurrentRequests, {
    request: (window) => reader.requestOf(window),
    respond: (request, signal) => client.readWindow(request, stream.decode, signal),
    consume: (window, request, response) => reader.read(window, request, response),
  });
  // Which ends of a request the API includes, learnt from records dated exactly there.
  const includes = { from: false, to: false };
  const learn = (outcome: WindowOutcome): void => {
    includes.from ||= outcome.includesRequestFrom;
    includes.to ||= outcome.includesRequestTo;
  };

  /** Re-reads a one-second window at the cap without the padding seconds the API is known to include. */
  const narrow = async (window: Window, outcome: WindowOutcome): Promise<WindowOutcome> => {
    let asked = reader.requestOf(window);
    let current = outcome;
    while (current.truncated && current.insideCount < cap) {
      const next = {
        report: stream.report,
        params: stream.params,
        from: includes.from ? window.from : window.from - 1,
        to: includes.to ? window.to : window.to + 1,
      };
      if (next.from === asked.from && next.to === asked.to) break; // nothing narrower is known
      asked = next;
      current = await reader.read(window, asked, client.readWindow(asked, stream.decode));
      learn(current);
    }
    return current;
  };

  if (start.from > start.to) {
    output.log(
      'WARN',
      `${stream.name}: nothing to read: it would start at ${formatLocal(start.from)}, after the end of the range ` +
        `(${formatLocal(start.to)}, ${config.endDate === undefined ? `now in ${config.timezone}` : 'end_date'}). ` +
        'If start_date or the saved state is wrong, correct start_date or reset this stream in Airbyte; ' +
        'otherwise records arrive once that time has come.',
    );
  }

  let budgetExhausted = false;
  let from = start.from;
  // The window the previous sync stopped in (call budget) is read as it was planned, after the
  // settled span (read on its own: its records are known), so that every sync under a budget progresses.
  // Windows are planned ahead of `from` when two requests are in flight: `planned` keeps each one by its
  // start, so a stop names the window it stopped in.
  const resume = start.checkpoint.nextWindow;
  let resumePlanned = false;
  const planned = new Map<LocalSeconds, Window>();
  let lastTruncated: Window | undefined;
  const plan = (next: LocalSeconds): Window => {
    let window = planner.windowFrom(next);
    if (resume !== undefined && next < resume.from) {
      window = { from: next, to: Math.min(window.to, resume.from - 1) };
    } else if (resume !== undefined && next === resume.from && !resumePlanned) {
      // Once only: if it comes back truncated, its parts are the planner's.
      resumePlanned = true;
      window = { from: next, to: Math.max(next, Math.min(resume.to, start.to, next + longest - 1)) };
    }
    planned.set(next, window);
    return window;
  };
  let notFoundOnly = true;
  progress.planned({ from: start.from, to: start.to }, cap, longest);
  await checkpointer.start();
  try {
    while (from <= start.to) {
      const { window, outcome } = await reads.read(from, start.to, plan);
      learn(outcome);
      if (outcome.truncated && window.to > window.from) {
        lastTruncated = window;
        planner.truncated(window, outcome.sample);
        progress.split(window, cap, planner.windowFrom(window.from));
        continue;
      }
      const final = outcome.truncated ? await narrow(window, outcome) : outcome;
      if (final.truncated) progress.unsplittable(window, cap, final.insideCount);
      notFoundOnly &&= outcome.notFound && final.notFound;
      planner.completed(window, outcome.sample);
      progress.windowCompleted(window, start.to);
      const lastSecond = Math.max(outcome.lastSecond ?? -Infinity, final.lastSecond ?? -Infinity);
      await checkpointer.windowCompleted(window, Number.isFinite(lastSecond) ? lastSecond : undefined);
      from = window.to + 1;
    }
    await checkpointer.finish();
  } catch (error) {
    // Stopped before reaching the previous sync's window: that window is still the one to resume.
    let nextWindow = resume !== undefined && from < resume.from ? resume : planned.get(from);
    if (nextWindow !== undefined && lastTruncated?.from === nextWindow.from) {
      // At most half the window that came back truncated: under any budget, syncs reach a window
      // that one call reads whole, however little the planner's own split shrank it.
      const half = nextWindow.from + Math.floor((lastTruncated.to - nextWindow.from) / 2);
      nextWindow = { from: nextWindow.from, to: Math.min(nextWindow.to, half) };
    }
    if (!(error instanceof CallBudgetExhaustedError)) {
      // A state that covers what was emitted, if the output still takes one; the error is what matters.
      await checkpointer.stopped(nextWindow).catch(() => undefined);
      throw error;
    }
    await checkpointer.stopped(nextWindow);
    // Only a stream that had the whole budget to itself proves it too small; streams read before it may have spent it.
    if (!checkpointer.progressed && progress.callsSoFar >= error.budget) {
      throw new ConfigError(
        `${stream.name}: max_api_calls_per_sync (${error.budget}) is too small for the data at ` +
          `${formatLocal(from)}: this sync could not finish a single window, so the next one would stop at ` +
          'the same place. A sync first re-reads its settled span (settle_window_minutes), and a window at ' +
          `the ${cap}-record cap takes more calls to split down to what one call returns. Raise ` +
          `max_api_calls_per_sync above ${error.budget}; 20 or more suits a backfill.`,
      );
    }
    budgetExhausted = true;
    const where = `after ${progress.callsSoFar} calls; the next sync continues from ${formatLocal(from)}`;
    stopAtBudget(stream.name, error, where, fullRefresh, output);
  } finally {
    await reads.close();
  }
  if (notFoundOnly && start.to - start.from >= SUSPICIOUS_NOT_FOUND_SECONDS) {
    output.log(
      'WARN',
      `${stream.name}: Wolkvox answered 404 "no records" for every call from ${formatLocal(start.from)} to ` +
        `${formatLocal(start.to)}. Wolkvox says the same when report ${stream.report} is not enabled on the ` +
        `server: if this operation has ${stream.name}, ask Wolkvox to enable report ${stream.report} for server ` +
        `${config.server}, then reset this stream in Airbyte to read the range again.`,
    );
  }
  const totals = progress.finish(budgetExhausted ? 'stopped at the call budget' : 'sync done');
  return { ...totals, budgetExhausted, finalState: checkpointer.lastEmitted };
}
