/**
 * When to retry a failed call and after how long. Pure functions of their inputs (the random source
 * and the clock readings are passed in), so the policy is tested without waiting.
 */

export interface RetryBounds {
  /** Retries after the first attempt; 0 means one attempt only. */
  maxRetries: number;
  /** No retry starts once this much time has passed since the first attempt (sleep included). */
  maxTotalMs: number;
  baseDelayMs: number;
  /** Cap of one backoff delay (a server's Retry-After is honoured beyond it, within maxTotalMs). */
  maxDelayMs: number;
}

// Base 2 s doubling to a 2 min cap: ten retries (the most the spec allows) fit in about 10 minutes,
// long enough to outlast a server backup, short enough not to stall a sync for good.
export const DEFAULT_RETRY_TIMING: Omit<RetryBounds, 'maxRetries'> = {
  maxTotalMs: 10 * 60_000,
  baseDelayMs: 2_000,
  maxDelayMs: 120_000,
};

/** Exponential backoff with full jitter: uniform in [0, min(cap, base x 2^(retry-1))). `retry` counts from 1. */
export function backoffDelayMs(retry: number, bounds: RetryBounds, random: () => number): number {
  const ceiling = Math.min(bounds.maxDelayMs, bounds.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** A Retry-After header (delta-seconds or an HTTP date) in ms from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its day and month; Date.parse alone would take "-5" for a year.
  const date = /[a-z]{3}/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

export type RetryDecision =
  { retry: true; delayMs: number } | { retry: false; exhausted: 'attempts' | 'time' };

export interface FailedAttempt {
  /** Attempts made so far, the failed one included. */
  attempts: number;
  /** Time since the first attempt started. */
  elapsedMs: number;
  retryAfterMs: number | undefined;
}

export function decideRetry(failed: FailedAttempt, bounds: RetryBounds, random: () => number): RetryDecision {
  if (failed.attempts > bounds.maxRetries) return { retry: false, exhausted: 'attempts' };
  const delayMs = failed.retryAfterMs ?? backoffDelayMs(failed.attempts, bounds, random);
  if (failed.elapsedMs + delayMs >= bounds.maxTotalMs) return { retry: false, exhausted: 'time' };
  return { retry: true, delayMs };
}
