import { describe, expect, it } from 'vitest';
import { checkDelivery, deliveryProblems, type IdCounts } from './verify.js';

const ids = (...list: string[]): IdCounts => {
  const counts: IdCounts = new Map();
  for (const id of list) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
};

describe('checkDelivery', () => {
  it('accepts every record delivered once, identical records included', () => {
    const check = checkDelivery(ids('a', 'b', 'b', 'c'), ids('a', 'b'), ids('b', 'c'), ids('b', 'c'));
    expect(check).toEqual({ missing: 0, extra: 0, redelivered: 0, appendedMissing: 0 });
    expect(deliveryProblems(check)).toEqual([]);
  });

  it('finds lost, duplicated, redelivered and undelivered appended records', () => {
    const check = checkDelivery(ids('a', 'b', 'c', 'd'), ids('a', 'b', 'x'), ids('a', 'c'), ids('c', 'd'));
    expect(check).toEqual({ missing: 1, extra: 2, redelivered: 1, appendedMissing: 1 });
    expect(deliveryProblems(check)).toHaveLength(4);
  });
});
