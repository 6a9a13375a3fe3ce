import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  decideRetry,
  DEFAULT_RETRY_TIMING,
  parseRetryAfter,
  type RetryBounds,
} from './retry-timing.js';

const bounds: RetryBounds = { maxRetries: 5, maxTotalMs: 600_000, baseDelayMs: 2_000, maxDelayMs: 120_000 };

describe('backoffDelayMs', () => {
  it('doubles its ceiling per retry up to the cap, with full jitter below it', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8].map((retry) => backoffDelayMs(retry, bounds, () => 0.999999));
    expect(ceilings).toEqual([1999, 3999, 7999, 15999, 31999, 63999, 119999, 119999]);
    expect(backoffDelayMs(3, bounds, () => 0)).toBe(0);
    expect(backoffDelayMs(3, bounds, () => 0.5)).toBe(4000);
  });

  it('defaults to a policy whose ten retries fit in the total time bound', () => {
    const worst = { ...DEFAULT_RETRY_TIMING, maxRetries: 10 };
    const total = Array.from({ length: 10 }, (_, i) => backoffDelayMs(i + 1, worst, () => 1)).reduce(
      (a, b) => a + b,
    );
    expect(total).toBeLessThanOrEqual(DEFAULT_RETRY_TIMING.maxTotalMs + 10_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-08-12T10:00:00Z');

  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(['3', '9'], now)).toBe(3000);
    expect(parseRetryAfter('Wed, 12 Aug 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 12 Aug 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('ignores an absent or unreadable header', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('decideRetry', () => {
  const half = () => 0.5;

  it('retries with backoff until maxRetries retries are spent', () => {
    expect(decideRetry({ attempts: 1, elapsedMs: 0, retryAfterMs: undefined }, bounds, half)).toEqual({
      retry: true,
      delayMs: 1000,
    });
    expect(decideRetry({ attempts: 5, elapsedMs: 0, retryAfterMs: undefined }, bounds, half)).toEqual({
      retry: true,
      delayMs: 16000,
    });
    expect(decideRetry({ attempts: 6, elapsedMs: 0, retryAfterMs: undefined }, bounds, half)).toEqual({
      retry: false,
      exhausted: 'attempts',
    });
    expect(
      decideRetry({ attempts: 1, elapsedMs: 0, retryAfterMs: undefined }, { ...bounds, maxRetries: 0 }, half),
    ).toEqual({ retry: false, exhausted: 'attempts' });
  });

  it('follows Retry-After instead of the backoff', () => {
    expect(decideRetry({ attempts: 1, elapsedMs: 0, retryAfterMs: 200_000 }, bounds, half)).toEqual({
      retry: true,
      delayMs: 200_000,
    });
  });

  it('gives up when the next attempt would start past the total time bound', () => {
    expect(decideRetry({ attempts: 2, elapsedMs: 598_000, retryAfterMs: undefined }, bounds, half)).toEqual({
      retry: false,
      exhausted: 'time',
    });
    expect(decideRetry({ attempts: 1, elapsedMs: 0, retryAfterMs: 600_000 }, bounds, half)).toEqual({
      retry: false,
      exhausted: 'time',
    });
  });
});
