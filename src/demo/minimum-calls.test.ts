import { describe, expect, it } from 'vitest';
import { minimumCalls } from './minimum-calls.js';

describe('minimumCalls', () => {
  it('needs one call per longest window when there are no records', () => {
    expect(minimumCalls([], { from: 0, to: 99 }, 5, 10)).toBe(10);
    expect(minimumCalls([], { from: 0, to: 100 }, 5, 10)).toBe(11);
  });

  it('ends each window just before the record that would reach the cap', () => {
    // cap 3: at most 2 records per window.
    expect(minimumCalls([1, 2, 3, 4, 5], { from: 0, to: 9 }, 3, 100)).toBe(3);
    expect(minimumCalls([1, 2, 3, 4], { from: 0, to: 9 }, 3, 100)).toBe(2);
  });

  it('counts a second at the cap as one call and ignores records outside the range', () => {
    expect(minimumCalls([5, 5, 5, 5, -1, 20], { from: 0, to: 9 }, 3, 100)).toBe(3);
  });
});
