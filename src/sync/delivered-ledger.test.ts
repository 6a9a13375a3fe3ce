import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idOfKey, keyOfId } from '../streams/record-shape.js';
import { DeliveredLedger, KNOWN, NEW, type ResponseCopies } from './delivered-ledger.js';

/**
 * The ledger is a hash table of its own (open addressing on typed arrays): it is held equal to a
 * plain Map model of the same contract, on ids chosen to collide. The table's slot is the id's first
 * 4 bytes (little-endian) masked, so ids that share them, or whose slots sit at the table's end, probe
 * past each other and wrap around.
 */

/** An id whose first 4 bytes are `head` (little-endian) and whose other 12 are from `tail`. */
function idOf(head: number, tail: number): string {
  const bytes = Buffer.alloc(16);
  bytes.writeUInt32LE(head >>> 0, 0);
  bytes.writeUInt32LE(tail >>> 0, 12);
  return bytes.toString('hex');
}

// Heads of a few slots, the last ones of the first table (4,096 slots) among them, and heads that
// differ only above the mask.
const heads = [0, 1, 4094, 4095, 4095 + 4096, 1 + 8192, 0x80000fff];
const ids = fc.tuple(fc.constantFrom(...heads), fc.integer({ min: 0, max: 5 })).map(([h, t]) => idOf(h, t));
const until = fc.integer({ min: 0, max: 40 });

type Op =
  | { op: 'response' }
  | { op: 'firstCopy'; id: string; until: number; extend: boolean }
  | { op: 'add'; id: string; until: number }
  | { op: 'prune'; from: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.constant({ op: 'response' as const }), weight: 1 },
  {
    arbitrary: fc.record({ op: fc.constant('firstCopy' as const), id: ids, until, extend: fc.boolean() }),
    weight: 6,
  },
  { arbitrary: fc.record({ op: fc.constant('add' as const), id: ids, until }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('prune' as const), from: until }), weight: 1 },
);

/** The contract, as a Map: id → keepUntil and the tag of the last response that held it first. */
class ModelLedger {
  readonly entries = new Map<string, { until: number; tag: number }>();

  firstCopy(id: string, response: ResponseCopies, at: number, extend: boolean): number {
    const known = this.entries.get(id);
    if (known === undefined) {
      this.entries.set(id, { until: at, tag: response.tag });
      return NEW;
    }
    if (known.tag === response.tag) {
      const k = (response.copies.get(id) ?? 1) + 1;
      response.copies.set(id, k);
      return k;
    }
    if (extend && at > known.until) known.until = at;
    known.tag = response.tag;
    return KNOWN;
  }

  add(id: string, at: number): void {
    const known = this.entries.get(id);
    if (known === undefined) this.entries.set(id, { until: at, tag: 0 });
    else known.until = Math.max(known.until, at);
  }

  prune(from: number): void {
    for (const [id, entry] of this.entries) if (entry.until < from) this.entries.delete(id);
  }

  grouped(upTo = Infinity): [number, string[]][] {
    const groups = new Map<number, string[]>();
    for (const [id, { until: at }] of this.entries) {
      if (at > upTo) continue;
      groups.set(at, [...(groups.get(at) ?? []), id]);
    }
    return [...groups.entries()].sort(([a], [b]) => a - b).map(([at, group]) => [at, group.sort()]);
  }
}

describe('DeliveredLedger', () => {
  it('keeps what a Map of the same contract keeps, through collisions, wrap-around, growth and pruning', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.integer({ min: 0, max: 40 }), (ops, probe) => {
        const ledger = new DeliveredLedger();
        const model = new ModelLedger();
        let response = ledger.newResponse();
        let modelResponse: ResponseCopies = { tag: response.tag, copies: new Map() };
        for (const step of ops) {
          if (step.op === 'response') {
            response = ledger.newResponse();
            modelResponse = { tag: response.tag, copies: new Map() };
          } else if (step.op === 'firstCopy') {
            const got = ledger.firstCopy(keyOfId(step.id), response, step.until, step.extend);
            expect(got).toBe(model.firstCopy(step.id, modelResponse, step.until, step.extend));
          } else if (step.op === 'add') {
            ledger.add(keyOfId(step.id), step.until);
            model.add(step.id, step.until);
          } else {
            ledger.pruneBefore(step.from);
            model.prune(step.from);
          }
          expect(ledger.size).toBe(model.entries.size);
        }
        for (const id of heads.flatMap((head) => [0, 1, 2, 3, 4, 5].map((tail) => idOf(head, tail))))
          expect(ledger.has(keyOfId(id))).toBe(model.entries.has(id));
        expect(ledger.grouped()).toEqual(model.grouped());
        expect(ledger.grouped(probe)).toEqual(model.grouped(probe));
        const untils = [...model.entries.values()].map((entry) => entry.until);
        const atOrBefore = untils.filter((at) => at <= probe);
        expect(ledger.latestAtOrBefore(probe)).toBe(
          atOrBefore.length > 0 ? Math.max(...atOrBefore) : undefined,
        );
        expect(ledger.countAfter(probe)).toBe(untils.filter((at) => at > probe).length);
      }),
      { numRuns: 400 },
    );
  });

  it('holds 100,000 ids through growth, then keeps only those a later request can return', () => {
    const ledger = new DeliveredLedger();
    const response = ledger.newResponse();
    const all = Array.from({ length: 100_000 }, (_, index) => idOf(index * 2654435761, index));
    all.forEach((id, index) => expect(ledger.firstCopy(keyOfId(id), response, index, false)).toBe(NEW));
    expect(ledger.size).toBe(100_000);
    ledger.pruneBefore(99_990);
    expect(ledger.size).toBe(10);
    expect(ledger.grouped().flatMap(([, group]) => group)).toEqual(all.slice(99_990));
    expect(ledger.has(keyOfId(all[5]!))).toBe(false);
    expect(ledger.firstCopy(keyOfId(all[99_995]!), ledger.newResponse(), 0, false)).toBe(KNOWN);
  });

  it('reads a state: ids of 32 hex digits, and other ids (a state edited by hand) kept until pruned', () => {
    const hex = idOf(7, 7);
    const ledger = new DeliveredLedger([
      [hex, 10],
      ['not-an-id', 12],
      ['ABCDEF0123456789ABCDEF0123456789', 9],
    ]);
    expect(ledger.size).toBe(3);
    expect(idOfKey(keyOfId(hex))).toBe(hex);
    expect(ledger.grouped()).toEqual([
      [9, ['ABCDEF0123456789ABCDEF0123456789']],
      [10, [hex]],
      [12, ['not-an-id']],
    ]);
    ledger.pruneBefore(11);
    expect(ledger.grouped()).toEqual([[12, ['not-an-id']]]);
  });
});
