import type { LocalSeconds } from '../time/local-time.js';

/**
 * Ids of the records this stream delivered that a later request (in this sync or a later one) can
 * still return, each with the last second at which a request can return it (`keepUntil`): a dated
 * record's own date; for a record dated outside its request, or not dated at all, the end of the
 * request that returned it. Ids are distinct per copy (the k-th identical row of a second has its own
 * id), so this is a set. It is saved in the stream state, so a later sync skips them too.
 */
/** Responses one ledger can tell apart (one per attempt at a window; a sync makes far fewer calls). */
const RESPONSE_SPAN = 2 ** 20;
/** keepUntil is clamped to ±2^32 s (years 1834 to 2106) so that it packs exactly with a response tag. */
const UNTIL_LIMIT = 2 ** 32;

/** One response being read: which rows it held, by content id, for copy numbers. */
export interface ResponseCopies {
  readonly tag: number;
  /** Copies so far of the content ids seen more than once in this response. */
  readonly copies: Map<string, number>;
}

/** What `firstCopy` found. */
export const NEW = 0;
export const KNOWN = -1;

export class DeliveredLedger {
  /**
   * keepUntil of every id, packed with the tag of the last response that held it as its first copy:
   * `keepUntil * RESPONSE_SPAN + tag` (exact: both are small integers), so that the common row costs
   * one lookup and at most one write.
   */
  private readonly entries = new Map<string, number>();
  private changes = 0;
  private responses = 0;

  constructor(entries: Iterable<[string, LocalSeconds]> = []) {
    for (const [id, until] of entries) this.add(id, until);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** `id` was delivered; a request reaching `until` may return it again (the later of two wins). */
  add(id: string, until: LocalSeconds): void {
    const known = this.entries.get(id);
    const kept = clamp(until);
    if (known !== undefined && kept <= untilOf(known)) return;
    this.entries.set(id, kept * RESPONSE_SPAN + (known === undefined ? 0 : tagOf(known)));
    this.changes += 1;
  }

  /** A new response to count copies in (identical rows of one response get occurrence ids). */
  newResponse(): ResponseCopies {
    this.responses = (this.responses % (RESPONSE_SPAN - 1)) + 1;
    return { tag: this.responses, copies: new Map() };
  }

  /**
   * One row of `response` with content id `contentId`, in body order. Returns NEW when it is the
   * response's first row with that content and was never delivered (it is now listed, until
   * `until`); KNOWN when it is the first and was delivered before (then listed until `until` too if
   * `extend` and that is later); k >= 2 when it is the k-th copy in the response: its id is the k-th
   * occurrence id, for the caller to check with `has` and `add`.
   */
  firstCopy(contentId: string, response: ResponseCopies, until: LocalSeconds, extend: boolean): number {
    const known = this.entries.get(contentId);
    const kept = clamp(until);
    if (known === undefined) {
      this.entries.set(contentId, kept * RESPONSE_SPAN + response.tag);
      this.changes += 1;
      return NEW;
    }
    if (tagOf(known) === response.tag) {
      const k = (response.copies.get(contentId) ?? 1) + 1;
      response.copies.set(contentId, k);
      return k;
    }
    let keep = untilOf(known);
    if (extend && kept > keep) {
      keep = kept;
      this.changes += 1;
    }
    this.entries.set(contentId, keep * RESPONSE_SPAN + response.tag);
    return KNOWN;
  }

  /** Forgets every id no request starting at `from` or later can return. */
  pruneBefore(from: LocalSeconds): void {
    for (const [id, packed] of this.entries) {
      if (untilOf(packed) >= from) continue;
      this.entries.delete(id);
      this.changes += 1;
    }
  }

  /** Grows with every change: equal versions mean equal contents. */
  get version(): number {
    return this.changes;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The latest `keepUntil` at or before `limit`, or undefined when there is none. */
  latestAtOrBefore(limit: LocalSeconds): LocalSeconds | undefined {
    let latest: LocalSeconds | undefined;
    for (const packed of this.entries.values()) {
      const until = untilOf(packed);
      if (until <= limit && (latest === undefined || until > latest)) latest = until;
    }
    return latest;
  }

  /** How many ids a request after `second` can return (delivered ahead of a cursor there). */
  countAfter(second: LocalSeconds): number {
    let count = 0;
    for (const packed of this.entries.values()) if (untilOf(packed) > second) count += 1;
    return count;
  }

  /**
   * Ids grouped by `keepUntil`, in ascending order of it, each group sorted: the state's form. With
   * `upTo`, only ids whose `keepUntil` is at or before it.
   */
  grouped(upTo = Infinity): [LocalSeconds, string[]][] {
    const groups = new Map<LocalSeconds, string[]>();
    for (const [id, packed] of this.entries) {
      const until = untilOf(packed);
      if (until > upTo) continue;
      const group = groups.get(until);
      if (group === undefined) groups.set(until, [id]);
      else group.push(id);
    }
    return [...groups.entries()].sort(([a], [b]) => a - b).map(([until, ids]) => [until, ids.sort()]);
  }
}

function clamp(until: LocalSeconds): number {
  return Math.max(-UNTIL_LIMIT, Math.min(UNTIL_LIMIT, until));
}

function untilOf(packed: number): LocalSeconds {
  return Math.floor(packed / RESPONSE_SPAN);
}

function tagOf(packed: number): number {
  return packed - untilOf(packed) * RESPONSE_SPAN;
}
