/**
 * Window planning, as the sync engine uses it: pure (no HTTP, state or records), one planner per
 * stream and sync. The engine asks for the window starting at a second, reads it, then says how
 * the response went; the planner never sees a record, only the dates of a response.
 */
import type { LocalSeconds } from '../time/local-time.js';
import {
  AdaptiveWindowPlanner,
  type PlannerOptions,
  type ResponseSample,
  type Window,
} from './window-planner.js';

export {
  BodyOrderTracker,
  windowLength,
  type BodyOrder,
  type PlannerOptions,
  type ResponseSample,
  type Window,
} from './window-planner.js';

/** Decides the windows of one sync from what the responses so far showed. Nothing here throws. */
export interface WindowPlanner {
  /**
   * The window to read from `from` on (`from` <= the options' `end`): `to` is at most `end` and at
   * most `maxWindowSeconds - 1` seconds after `from`. After `truncated(window, ...)` it is the
   * re-read of that window's start, shorter than `window`.
   */
  windowFrom(from: LocalSeconds): Window;
  /**
   * `window` (longer than one second) came back at the cap; `response` holds the dates of its body
   * (inside the window or its padding seconds) and the order the body listed them in.
   */
  truncated(window: Window, response: ResponseSample): void;
  /** `window` was read in full; `response` as for `truncated`. The next window starts after it. */
  completed(window: Window, response: ResponseSample): void;
}

/** The planner for event reports: windows sized from the density it learns to fill the cap less a margin. */
export function createWindowPlanner(options: PlannerOptions): WindowPlanner {
  return new AdaptiveWindowPlanner(options);
}
