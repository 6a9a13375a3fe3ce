import type { LocalSeconds } from '../time/local-time.js';
import { idOfKey, keyOfId, type RecordKey } from '../streams/record-shape.js';

/**
 * Ids of the records this stream delivered that a later request (in this sync or a later one) can
 * still return, each with the last second at which a request can return it (`keepUntil`): a dated
 * record's own date; for a record dated outside its request, or not dated at all, the end of the
 * request that returned it. Ids are distinct per copy (the k-th identical row of a second has its own
 * id), so this is a set. It is saved in the stream state, so a later sync skips them too.
 *
 * Every record of a sync passes through `firstCopy`, so the set is an open-addressing hash table
 * on typed arrays keyed by the id's 16 bytes (of a SHA-256 digest: its first 4 bytes are already a
 * uniform hash), not a Map of strings: nothing is allocated per record.
 */

/** What `firstCopy` found. */
export const NEW = 0;
export const KNOWN = -1;

/** One response being read: which rows it held, by content id, for copy numbers. */
export interface ResponseCopies {
  readonly tag: number;
  /** Copies so far of the content ids (hex) seen more than once in this response. */
  readonly copies: Map<string, number>;
}

const INITIAL_SLOTS = 1 << 12;
const HEX_ID = /^[0-9a-f]{32}$/;

/** The id's 16 bytes as 4 int32 words (little-endian), the table's key. */
function word(key: RecordKey, at: number): number {
  return (
    key.charCodeAt(at) |
    (key.charCodeAt(at + 1) << 8) |
    (key.charCodeAt(at + 2) << 16) |
    (key.charCodeAt(at + 3) << 24)
  );
}

export class DeliveredLedger {
  private slots = INITIAL_SLOTS;
  /** The 4 words of each slot's id; `used[i]` says whether slot i holds one. */
  private words = new Int32Array(4 * INITIAL_SLOTS);
  private used = new Uint8Array(INITIAL_SLOTS);
  private untils = new Float64Array(INITIAL_SLOTS);
  /** The last response that held the slot's id as its first copy. */
  private tags = new Int32Array(INITIAL_SLOTS);
  private count = 0;
  /**
   * Ids of a state that are not 32 lowercase hex digits (a state edited by hand): no record has such
   * an id, so they are only kept for the state, until pruned.
   */
  private readonly foreign = new Map<string, LocalSeconds>();
  private changes = 0;
  private responses = 0;

  constructor(entries: Iterable<[string, LocalSeconds]> = []) {
    for (const [id, until] of entries) {
      if (HEX_ID.test(id)) this.add(keyOfId(id), until);
      else if (until > (this.foreign.get(id) ?? -Infinity)) this.foreign.set(id, until);
    }
  }

  /** The words of the key `find` looked for last: `insert` stores them. */
  private readonly probe = new Int32Array(4);

  /** The slot holding `key`, or -(free slot + 1) where it would go. */
  private find(key: RecordKey): number {
    const probe = this.probe;
    const w0 = (probe[0] = word(key, 0));
    const w1 = (probe[1] = word(key, 4));
    const w2 = (probe[2] = word(key, 8));
    const w3 = (probe[3] = word(key, 12));
    const mask = this.slots - 1;
    const words = this.words;
    for (let slot = w0 & mask; ; slot = (slot + 1) & mask) {
      if (this.used[slot] === 0) return -(slot + 1);
      const at = 4 * slot;
      if (words[at] === w0 && words[at + 1] === w1 && words[at + 2] === w2 && words[at + 3] === w3)
        return slot;
    }
  }

  /** Puts the key `find` just looked for in the free `slot` it found; grows the table past half full. */
  private insert(slot: number, until: LocalSeconds, tag: number): void {
    this.words.set(this.probe, 4 * slot);
    this.used[slot] = 1;
    this.untils[slot] = until;
    this.tags[slot] = tag;
    this.count += 1;
    this.changes += 1;
    if (2 * this.count > this.slots) this.rebuild(2 * this.slots, -Infinity);
  }

  /**
   * Keeps only the ids kept until `from` or later, in a table of `slots` slots (the same arrays,
   * cleared, when the size stays: pruning allocates only for what it keeps).
   */
  private rebuild(slots: number, from: LocalSeconds): void {
    let kept = 0;
    for (let slot = 0; slot < this.slots; slot++)
      if (this.used[slot] === 1 && this.untils[slot]! >= from) kept++;
    // The kept entries, packed (plain loops: a view per entry made this a GC hot spot).
    const words = new Int32Array(4 * kept);
    const untils = new Float64Array(kept);
    const tags = new Int32Array(kept);
    let index = 0;
    for (let slot = 0; slot < this.slots; slot++) {
      if (this.used[slot] === 0 || this.untils[slot]! < from) continue;
      for (let w = 0; w < 4; w++) words[4 * index + w] = this.words[4 * slot + w]!;
      untils[index] = this.untils[slot]!;
      tags[index++] = this.tags[slot]!;
    }
    if (slots === this.slots) this.used.fill(0);
    else {
      this.slots = slots;
      this.words = new Int32Array(4 * slots);
      this.used = new Uint8Array(slots);
      this.untils = new Float64Array(slots);
      this.tags = new Int32Array(slots);
    }
    this.count = kept;
    const mask = slots - 1;
    for (index = 0; index < kept; index++) {
      let slot = words[4 * index]! & mask;
      while (this.used[slot] === 1) slot = (slot + 1) & mask;
      for (let w = 0; w < 4; w++) this.words[4 * slot + w] = words[4 * index + w]!;
      this.used[slot] = 1;
      this.untils[slot] = untils[index]!;
      this.tags[slot] = tags[index]!;
    }
  }

  has(key: RecordKey): boolean {
    return this.find(key) >= 0;
  }

  /** `key` was delivered; a request reaching `until` may return it again (the later of two wins). */
  add(key: RecordKey, until: LocalSeconds): void {
    const slot = this.find(key);
    if (slot < 0) this.insert(-slot - 1, until, 0);
    else if (until > this.untils[slot]!) {
      this.untils[slot] = until;
      this.changes += 1;
    }
  }

  /** A new response to count copies in (identical rows of one response get occurrence ids). */
  newResponse(): ResponseCopies {
    this.responses = (this.responses % 0x7fffffff) + 1;
    return { tag: this.responses, copies: new Map() };
  }

  /**
   * One row of `response` with content id `key`, in body order. Returns NEW when it is the
   * response's first row with that content and was never delivered (it is now listed, until
   * `until`); KNOWN when it is the first and was delivered before (then listed until `until` too if
   * `extend` and that is later); k >= 2 when it is the k-th copy in the response: its id is the k-th
   * occurrence id, for the caller to check with `has` and `add`.
   */
  firstCopy(key: RecordKey, response: ResponseCopies, until: LocalSeconds, extend: boolean): number {
    const slot = this.find(key);
    if (slot < 0) {
      this.insert(-slot - 1, until, response.tag);
      return NEW;
    }
    if (this.tags[slot] === response.tag) {
      const id = idOfKey(key);
      const k = (response.copies.get(id) ?? 1) + 1;
      response.copies.set(id, k);
      return k;
    }
    if (extend && until > this.untils[slot]!) {
      this.untils[slot] = until;
      this.changes += 1;
    }
    this.tags[slot] = response.tag;
    return KNOWN;
  }

  /**
   * Forgets every id no request starting at `from` or later can return. The table keeps its size:
   * the next window fills it again.
   */
  pruneBefore(from: LocalSeconds): void {
    const before = this.size;
    for (const [id, until] of this.foreign) if (until < from) this.foreign.delete(id);
    this.rebuild(this.slots, from);
    this.changes += before - this.size;
  }

  /** Grows with every change: equal versions mean equal contents. */
  get version(): number {
    return this.changes;
  }

  get size(): number {
    return this.count + this.foreign.size;
  }

  /** The latest `keepUntil` at or before `limit`, or undefined when there is none. */
  latestAtOrBefore(limit: LocalSeconds): LocalSeconds | undefined {
    let latest = -Infinity;
    for (let slot = 0; slot < this.slots; slot++) {
      const until = this.untils[slot]!;
      if (this.used[slot] === 1 && until <= limit && until > latest) latest = until;
    }
    for (const until of this.foreign.values()) if (until <= limit && until > latest) latest = until;
    return latest === -Infinity ? undefined : latest;
  }

  /** How many ids a request after `second` can return (delivered ahead of a cursor there). */
  countAfter(second: LocalSeconds): number {
    let count = 0;
    for (let slot = 0; slot < this.slots; slot++)
      if (this.used[slot] === 1 && this.untils[slot]! > second) count += 1;
    for (const until of this.foreign.values()) if (until > second) count += 1;
    return count;
  }

  /**
   * Ids grouped by `keepUntil`, in ascending order of it, each group sorted: the state's form. With
   * `upTo`, only ids whose `keepUntil` is at or before it.
   */
  grouped(upTo = Infinity): [LocalSeconds, string[]][] {
    const groups = new Map<LocalSeconds, string[]>();
    const add = (until: LocalSeconds, id: string) => {
      const group = groups.get(until);
      if (group === undefined) groups.set(until, [id]);
      else group.push(id);
    };
    const bytes = new Uint8Array(16);
    for (let slot = 0; slot < this.slots; slot++) {
      const until = this.untils[slot]!;
      if (this.used[slot] === 0 || until > upTo) continue;
      for (let byte = 0; byte < 16; byte++)
        bytes[byte] = this.words[4 * slot + (byte >> 2)]! >>> (8 * (byte & 3));
      add(until, Buffer.from(bytes).toString('hex'));
    }
    for (const [id, until] of this.foreign) if (until <= upTo) add(until, id);
    return [...groups.entries()].sort(([a], [b]) => a - b).map(([until, ids]) => [until, ids.sort()]);
  }
}
