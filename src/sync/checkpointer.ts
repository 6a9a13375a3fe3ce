import type { Window } from '../planner/index.js';
import type { LocalSeconds } from '../time/local-time.js';
import type { DeliveredLedger } from './delivered-ledger.js';
import type { SyncOutput } from './output.js';
import type { DeliveryCounts } from './window-reader.js';
import {
  FULL_REFRESH_COMPLETE,
  toStreamState,
  type Checkpoint,
  type StreamStateJson,
} from './stream-state.js';

/** Ids delivered beyond the cursor a mid-sync state carries at most (about 60 bytes each). */
export const MAX_AHEAD_IDS = 10_000;

export interface CheckpointerOptions {
  output: SyncOutput;
  /** Records delivered so far (each STATE says how many came since the previous one). */
  counts: Readonly<DeliveryCounts>;
  /** Every id delivered that a later request can return; owned by the sync engine, read here. */
  ledger: DeliveredLedger;
  start: Omit<Checkpoint, 'delivered'>;
  /** The earliest wall clock on Earth now (UTC−12): a span without records never moves the cursor past it. */
  horizon: LocalSeconds;
  /** The earliest wall clock of the operation from now on: nothing moves the cursor past it. */
  present: LocalSeconds;
  /** Seconds before the cursor that every sync reads again, skipping the ids it delivered. */
  settleSeconds: number;
  /** The second of the last record is re-read up to this long after it (the longest window). */
  maxWindowSeconds: number;
  fullRefresh: boolean;
}

/**
 * Moves the resume point as windows complete and emits it as STATE after every complete window,
 * after the records it covers. The state carries the delivered ids a later request can return, so
 * a state always covers every record emitted so far, even in the middle of a split window.
 */
export class Checkpointer {
  private cursor: LocalSeconds;
  private settledFrom: LocalSeconds;
  private emittedKey: string | undefined;
  private startKey: string | undefined;
  private emitted: Record<string, unknown> | undefined;
  private recordsAtState = 0;

  constructor(private readonly options: CheckpointerOptions) {
    this.cursor = options.start.cursor;
    this.settledFrom = options.start.settledFrom;
  }

  /** The last state emitted: where the next sync starts. */
  get lastEmitted(): Record<string, unknown> {
    return this.emitted!;
  }

  /**
   * `window` was read in full; `lastSecond` is its latest record date. The cursor moves to that date
   * or, over a span without records, to the window's end, but never past the UTC−12 horizon for such
   * a span nor past the operation's present for anything. The settled span keeps the last minutes
   * before the cursor (late arrivals) and the second of the last record (up to one window back), so a
   * record that appears later between it and the cursor still arrives.
   */
  async windowCompleted(window: Window, lastSecond: LocalSeconds | undefined): Promise<void> {
    const { ledger, horizon, present, settleSeconds, maxWindowSeconds } = this.options;
    const spanEnd = Math.min(window.to, horizon);
    const reached = lastSecond === undefined ? spanEnd : Math.max(lastSecond, spanEnd);
    this.cursor = Math.max(this.cursor, Math.min(present, reached));
    const latest = ledger.latestAtOrBefore(this.cursor);
    const keepFrom = latest === undefined ? this.cursor : Math.max(latest, this.cursor - maxWindowSeconds);
    this.settledFrom = Math.max(this.settledFrom, Math.min(this.cursor - settleSeconds, keepFrom));
    ledger.pruneBefore(this.settledFrom);
    await this.emitIfNew(undefined, true);
  }

  /**
   * The starting point, before any record: every sync emits a state, even one that reads nothing or
   * stops before its first window completes.
   */
  async start(): Promise<void> {
    await this.emitIfNew(this.options.start.nextWindow);
    this.startKey = this.emittedKey;
  }

  /** True once a state other than the starting one was emitted. */
  get progressed(): boolean {
    return this.emittedKey !== this.startKey;
  }

  /** A complete sync checkpoints all it read; a full refresh says it is complete. */
  async finish(): Promise<void> {
    if (!this.options.fullRefresh) return this.emitIfNew(undefined);
    this.emittedKey = 'complete';
    await this.emit({ ...FULL_REFRESH_COMPLETE });
  }

  /**
   * The sync stops early (call budget, error): the state covers every record emitted so far, and the
   * next sync reads `nextWindow` (the window this one could not finish) after its settled span.
   */
  async stopped(nextWindow: Window | undefined): Promise<void> {
    await this.emitIfNew(nextWindow);
  }

  /**
   * The same state twice in a row says nothing new. `midSync`: a window's end, not where the sync
   * stops, so a large set of ids delivered beyond the cursor may stay out (see MAX_AHEAD_IDS).
   */
  private async emitIfNew(nextWindow: Window | undefined, midSync = false): Promise<void> {
    const { ledger, fullRefresh } = this.options;
    // Mid-sync, ids delivered beyond the cursor by a truncated unordered response can number tens of
    // thousands; past MAX_AHEAD_IDS they stay out of the state (a resume from it would repeat those
    // records, all from the one window in flight). Where the sync stops, they are always in.
    const upTo = midSync && ledger.countAfter(this.cursor) > MAX_AHEAD_IDS ? this.cursor : Infinity;
    const key = `${this.cursor}|${this.settledFrom}|${ledger.version}|${nextWindow?.from}|${nextWindow?.to}|${upTo}`;
    if (key === this.emittedKey) return;
    this.emittedKey = key;
    const state: StreamStateJson = toStreamState(
      {
        cursor: this.cursor,
        settledFrom: this.settledFrom,
        nextWindow,
        fullRefreshInProgress: fullRefresh,
      },
      ledger.grouped(upTo),
    );
    await this.emit(state);
  }

  private async emit(state: Record<string, unknown>): Promise<void> {
    const count = this.options.counts.records - this.recordsAtState;
    this.recordsAtState = this.options.counts.records;
    this.emitted = state;
    await this.options.output.state(state, count);
  }
}
