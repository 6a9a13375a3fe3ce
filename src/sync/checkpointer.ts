import type { LocalSeconds } from '../time/local-time.js';
import type { SyncOutput } from './output.js';
import { sameCheckpoint, toStreamState, type Checkpoint } from './stream-state.js';
import type { Window } from './window-planner.js';
import type { WindowOutcome } from './window-reader.js';

/**
 * Moves the resume point as windows complete and emits it as STATE, after the records it covers.
 * The cursor never passes `horizon` (the earliest wall clock on Earth now) unless a record is dated
 * later: whatever time zone is configured, no second at which transfers can still appear is skipped.
 */
export class Checkpointer {
  private emitted: Checkpoint | undefined;
  private recordsSinceState = 0;

  constructor(
    private readonly output: SyncOutput,
    private current: Checkpoint,
    private readonly horizon: LocalSeconds,
  ) {}

  /** The last state emitted: where the next sync starts. */
  get lastEmitted(): Checkpoint {
    return this.emitted ?? this.current;
  }

  recordEmitted(): void {
    this.recordsSinceState += 1;
  }

  /**
   * `window` was read in full (its latest date, and the ids of all its records dated then). The
   * state is emitted when it covers every record emitted so far (`coversAll`).
   */
  async windowCompleted(
    window: Window,
    { lastSecond, idsAtLastSecond }: Pick<WindowOutcome, 'lastSecond' | 'idsAtLastSecond'>,
    coversAll: boolean,
  ): Promise<void> {
    const cursor = Math.max(this.current.cursor, lastSecond ?? -Infinity, Math.min(window.to, this.horizon));
    let idsAtCursor: string[];
    if (cursor === lastSecond) idsAtCursor = idsAtLastSecond;
    else if (cursor >= window.from && cursor <= window.to)
      idsAtCursor = []; // none dated then
    else idsAtCursor = this.current.idsAtCursor; // the cursor did not move, and lies outside the window
    this.current = { cursor, idsAtCursor };
    if (coversAll) await this.emitIfNew();
  }

  /**
   * The starting point, before any record: every sync emits a state, even one that reads nothing or
   * stops before its first window completes (records after it are not covered by it).
   */
  async start(): Promise<void> {
    await this.emit();
  }

  /** A complete sync checkpoints all it read; one that stopped early leaves the rest to the next. */
  async finish(): Promise<void> {
    await this.emitIfNew();
  }

  /** Identical states in a row say nothing new (records between them were re-deliveries). */
  private async emitIfNew(): Promise<void> {
    if (!sameCheckpoint(this.emitted!, this.current)) await this.emit();
  }

  private async emit(): Promise<void> {
    const count = this.recordsSinceState;
    this.recordsSinceState = 0;
    this.emitted = this.current;
    await this.output.state(toStreamState(this.current), count);
  }
}
