import type { LocalSeconds } from '../time/local-time.js';

/**
 * Ids of the records this stream delivered that a later request (in this sync or a later one) can
 * still return, each with the last second at which a request can return it (`keepUntil`): a dated
 * record's own date; for a record dated outside its request, or not dated at all, the end of the
 * request that returned it. Ids are distinct per copy (the k-th identical row of a second has its own
 * id), so this is a set. It is saved in the stream state, so a later sync skips them too.
 */
export class DeliveredLedger {
  private readonly keepUntil = new Map<string, LocalSeconds>();
  private changes = 0;

  constructor(entries: Iterable<[string, LocalSeconds]> = []) {
    for (const [id, until] of entries) this.add(id, until);
  }

  has(id: string): boolean {
    return this.keepUntil.has(id);
  }

  /** `id` was delivered; a request reaching `until` may return it again (the later of two wins). */
  add(id: string, until: LocalSeconds): void {
    const known = this.keepUntil.get(id);
    if (known !== undefined && until <= known) return;
    this.keepUntil.set(id, until);
    this.changes += 1;
  }

  /** Forgets every id no request starting at `from` or later can return. */
  pruneBefore(from: LocalSeconds): void {
    for (const [id, until] of this.keepUntil) {
      if (until >= from) continue;
      this.keepUntil.delete(id);
      this.changes += 1;
    }
  }

  /** Grows with every change: equal versions mean equal contents. */
  get version(): number {
    return this.changes;
  }

  get size(): number {
    return this.keepUntil.size;
  }

  /** The latest `keepUntil` at or before `limit`, or undefined when there is none. */
  latestAtOrBefore(limit: LocalSeconds): LocalSeconds | undefined {
    let latest: LocalSeconds | undefined;
    for (const until of this.keepUntil.values()) {
      if (until <= limit && (latest === undefined || until > latest)) latest = until;
    }
    return latest;
  }

  /** How many ids a request after `second` can return (delivered ahead of a cursor there). */
  countAfter(second: LocalSeconds): number {
    let count = 0;
    for (const until of this.keepUntil.values()) if (until > second) count += 1;
    return count;
  }

  /**
   * Ids grouped by `keepUntil`, in ascending order of it, each group sorted: the state's form. With
   * `upTo`, only ids whose `keepUntil` is at or before it.
   */
  grouped(upTo = Infinity): [LocalSeconds, string[]][] {
    const groups = new Map<LocalSeconds, string[]>();
    for (const [id, until] of this.keepUntil) {
      if (until > upTo) continue;
      const group = groups.get(until);
      if (group === undefined) groups.set(until, [id]);
      else group.push(id);
    }
    return [...groups.entries()].sort(([a], [b]) => a - b).map(([until, ids]) => [until, ids.sort()]);
  }
}
