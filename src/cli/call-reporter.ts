import { DateTime } from 'luxon';
import type { MessageEmitter } from '../protocol/emitter.js';
import { logMessage, rateLimitedMessage, streamStatusMessage } from '../protocol/messages.js';
import { streamOfReport } from '../streams/index.js';
import { formatLocal } from '../time/local-time.js';
import { duration } from '../wolkvox/client.js';
import { isRateLimited } from '../wolkvox/errors.js';
import type { ClientObserver, RetryEvent, WindowRequest } from '../wolkvox/types.js';

const streamOf = streamOfReport;

function windowOf(request: WindowRequest): string {
  return `${formatLocal(request.from)} to ${formatLocal(request.to)}`;
}

/** The one WARN line of a retry: stream, report, window (local dates), attempt n of max, reason, delay. */
export function retryLine(event: RetryEvent): string {
  const { request } = event;
  return (
    `${streamOf(request.report)} (report ${request.report}, ${windowOf(request)}): attempt ${event.attempt} ` +
    `of at most ${event.maxAttempts} failed: ${event.reason}. Next attempt in ${duration(event.delayMs)}.`
  );
}

/** The next midnight of `zone` after `epochMillis`, in epoch ms: when Wolkvox's daily quota resets. */
export function nextLocalMidnight(zone: string, epochMillis: number): number {
  return DateTime.fromMillis(epochMillis, { zone }).plus({ days: 1 }).startOf('day').toMillis();
}

/**
 * Tells what the Wolkvox client is doing as Airbyte messages: one LOG WARN per retry; while the API
 * limits the rate (simultaneous requests, 429, maintenance) a STREAM_STATUS RUNNING with a
 * RATE_LIMITED reason whose quota_reset is when the next attempt starts, and a plain RUNNING once
 * a call succeeds again; for the spent daily quota, RATE_LIMITED until the operation's next local
 * midnight (the read then fails with transient_error).
 */
export class CallReporter implements ClientObserver {
  readonly #waiting = new Set<string>();

  constructor(
    private readonly emitter: MessageEmitter,
    /** The operation's IANA time zone (config.timezone). */
    private readonly timezone: string,
    private readonly now: () => number = Date.now,
  ) {}

  onRetry(event: RetryEvent): void {
    const stream = streamOf(event.request.report);
    void this.emitter.emit(logMessage('WARN', retryLine(event)));
    if (!isRateLimited(event.condition)) return;
    this.#waiting.add(stream);
    void this.emitter.emit(rateLimitedMessage(stream, event.retryAtMs));
  }

  onRecovered(event: { request: WindowRequest; attempts: number }): void {
    const stream = streamOf(event.request.report);
    if (this.#waiting.delete(stream)) void this.emitter.emit(streamStatusMessage(stream, 'RUNNING'));
  }

  onQuotaSpent(event: { request: WindowRequest }): void {
    const stream = streamOf(event.request.report);
    void this.emitter.emit(rateLimitedMessage(stream, nextLocalMidnight(this.timezone, this.now())));
  }
}
