import type { LocalSeconds } from '../time/local-time.js';
import type { Window } from '../planner/index.js';
import { countUpTo } from '../planner/sorted-dates.js';

/**
 * The fewest calls that read every record of `range` when each call returns fewer than `cap`
 * records and spans at most `maxWindowSeconds`, for a planner that knows every date in advance.
 * Greedy is optimal: making a window end earlier never lets a later window end later. A second
 * holding `cap` records or more still takes one call (truncated; nothing can do better).
 */
export function minimumCalls(
  dates: readonly LocalSeconds[],
  range: Window,
  cap: number,
  maxWindowSeconds: number,
): number {
  const sorted = dates.filter((date) => date >= range.from && date <= range.to).sort((a, b) => a - b);
  let calls = 0;
  let from = range.from;
  while (from <= range.to) {
    calls += 1;
    const first = countUpTo(sorted, from - 1);
    let to = Math.min(range.to, from + maxWindowSeconds - 1);
    const capReachedAt = sorted[first + cap - 1];
    if (capReachedAt !== undefined && capReachedAt <= to) to = Math.max(from, capReachedAt - 1);
    from = to + 1;
  }
  return calls;
}
