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
  private readonly entries = new Map<string, Entry>();

  /**
   * Counts one more copy of `id`, dated `second` or undated (then any request reaching `requestEnd`
   * may return it); returns how many this attempt has seen, this one included.
   */
  add(id: string, second: LocalSeconds | undefined, requestEnd: LocalSeconds): number {
    const entry = this.entries.get(id);
    if (entry === undefined) {
      // An undated record filed at requestEnd comes again with the next window's padding.
      const undated = second === undefined;
      this.entries.set(id, { keepUntil: second ?? requestEnd + 1, count: 1, undated });
      return 1;
    }
    entry.count += 1;
    return entry.count;
  }

  /** Merges into `ledger` every id, or only the undated ones (a complete window needs no others). */
  mergeInto(ledger: DeliveredLedger, which: 'all' | 'undated'): void {
    for (const [id, entry] of this.entries) {
      if (which === 'all' || entry.undated) ledger.raise(id, entry);
    }
  }
}
