import {
  BodyOrderTracker,
  createWindowPlanner,
  type ResponseSample,
  type Window,
} from '../src/planner/index.js';
import { countUpTo } from '../src/planner/sorted-dates.js';
import type { LocalSeconds } from '../src/time/local-time.js';
import { responseBody, type ResponseOrder } from './fake-reports-client.js';

export interface ReplayedCall {
  window: Window;
  /** Records the API holds for the request (the window and its padding seconds). */
  matched: number;
  truncated: boolean;
}

/**
 * The windows the engine's planner would read over `sortedDates` (one request at a time, ends
 * inclusive), without HTTP or records: fast enough to measure calls on full-scale datasets.
 */
export function replayPlanner(options: {
  sortedDates: Float64Array;
  range: Window;
  cap: number;
  maxWindowSeconds: number;
  order: ResponseOrder;
}): ReplayedCall[] {
  const { sortedDates, range, cap, order } = options;
  const planner = createWindowPlanner({ end: range.to, cap, maxWindowSeconds: options.maxWindowSeconds });
  const calls: ReplayedCall[] = [];
  let from: LocalSeconds = range.from;
  while (from <= range.to) {
    const window = planner.windowFrom(from);
    const matching = sortedDates.subarray(
      countUpTo(sortedDates, window.from - 2),
      countUpTo(sortedDates, window.to + 1),
    );
    const body = Float64Array.from(
      responseBody(matching, cap, order, { from: window.from - 1, to: window.to + 1 }),
    );
    const truncated = matching.length >= cap;
    calls.push({ window, matched: matching.length, truncated });
    const tracker = new BodyOrderTracker();
    for (const date of body) tracker.note(date);
    const sample: ResponseSample = {
      bodyOrder: tracker.order,
      sortedDates: Float64Array.from(body).sort(),
    };
    if (truncated && window.to > window.from) {
      planner.truncated(window, sample);
      continue;
    }
    planner.completed(window, sample);
    from = window.to + 1;
  }
  return calls;
}
