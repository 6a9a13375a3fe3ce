import type { LocalSeconds } from '../time/local-time.js';

/** Copies of one id, and the window end from which no request can return it again. */
interface Entry {
  keepUntil: LocalSeconds;
  count: number;
  /** No readable date: kept even after a complete window (its neighbour's padding may return it). */
  undated: boolean;
}

/**
 * Records delivered but not yet covered by a checkpoint, as a multiset of ids: two identical rows
 * share an id, so the count matters. A later response skips as many copies of an id as are listed.
 */
export class DeliveredLedger {
  private readonly entries = new Map<string, Entry>();

  count(id: string): number {
    return this.entries.get(id)?.count ?? 0;
  }

  /** At least `copies` copies of `id` are delivered now. */
  raise(id: string, entry: Entry): void {
    const known = this.entries.get(id);
    if (known === undefined) this.entries.set(id, { ...entry });
    else known.count = Math.max(known.count, entry.count);
  }

  /** Forgets what no later request can return: a window ending at `end` was read in full. */
  prune(end: LocalSeconds): void {
    for (const [id, entry] of this.entries) {
      if (entry.keepUntil <= end) this.entries.delete(id);
    }
  }

  /** True when records were delivered that no checkpoint covers yet. */
  get isEmpty(): boolean {
    return this.entries.size === 0;
  }
}

/**
 * Copies of each id one attempt handed out, delivered or skipped. The ledger is not touched while
 * the attempt runs (the k-th copy of an id is skipped when the ledger lists k or more); when the
 * attempt's records turn out not to be the whole window (restart, truncation) they are merged in.
 */
export class AttemptTally {
  // Every copy, in order: cheap to keep, and only read when the attempt is merged into the ledger.
  private readonly ids: string[] = [];
  private readonly seconds: (LocalSeconds | undefined)[] = [];
  private requestEnd = 0;
  /** Copies so far of the ids the ledger lists: only for those does the count decide anything. */
  private readonly listedCopies = new Map<string, number>();

  /**
   * Counts one more copy of `id`, dated `second` or undated (then any request reaching `requestEnd`
   * may return it). When the ledger lists `id`, returns how many copies this attempt has seen, this
   * one included; otherwise 0 (no copy of it is skipped).
   */
  add(id: string, second: LocalSeconds | undefined, requestEnd: LocalSeconds, listed: boolean): number {
    this.ids.push(id);
    this.seconds.push(second);
    this.requestEnd = requestEnd;
    if (!listed) return 0;
    const copies = (this.listedCopies.get(id) ?? 0) + 1;
    this.listedCopies.set(id, copies);
    return copies;
  }

  /** Merges into `ledger` every id, or only the undated ones (a complete window needs no others). */
  mergeInto(ledger: DeliveredLedger, which: 'all' | 'undated'): void {
    const entries = new Map<string, Entry>();
    for (let index = 0; index < this.ids.length; index++) {
      const second = this.seconds[index];
      if (which === 'undated' && second !== undefined) continue;
      const id = this.ids[index]!;
      const entry = entries.get(id);
      // An undated record filed at requestEnd comes again with the next window's padding.
      if (entry === undefined) {
        entries.set(id, {
          keepUntil: second ?? this.requestEnd + 1,
          count: 1,
          undated: second === undefined,
        });
      } else entry.count += 1;
    }
    for (const [id, entry] of entries) ledger.raise(id, entry);
  }
}
