import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseProtocolLines } from '../../test-support/protocol-schema.js';
import type { MessageOfType, TraceOfType } from '../../test-support/run-cli.js';
import { MessageEmitter } from '../protocol/emitter.js';
import { parseLocal } from '../time/local-time.js';
import type { RetryEvent } from '../wolkvox/types.js';
import { CallReporter, nextLocalMidnight } from './call-reporter.js';

const REQUEST = {
  report: 'chat_9',
  from: parseLocal('2026-08-11 23:59:59') ?? 0,
  to: parseLocal('2026-08-13 00:00:00') ?? 0,
};
// 2026-08-12 15:00:00 in Bogota (UTC-5).
const NOW = Date.UTC(2026, 7, 12, 20, 0, 0);

async function report(act: (reporter: CallReporter) => void) {
  const out = new PassThrough();
  let written = '';
  out.on('data', (chunk: Buffer) => (written += chunk.toString()));
  const emitter = new MessageEmitter(out);
  act(new CallReporter(emitter, 'America/Bogota', () => NOW));
  await emitter.close();
  // Every line must be a valid AirbyteMessage (the official protocol schema).
  return parseProtocolLines(written);
}

const retry = (overrides: Partial<RetryEvent>): RetryEvent => ({
  request: REQUEST,
  attempt: 1,
  maxAttempts: 6,
  reason: 'HTTP 403: the API is paused (maintenance or server backup)',
  condition: 'paused',
  delayMs: 4_200,
  retryAtMs: NOW + 4_200,
  ...overrides,
});

describe('CallReporter', () => {
  it('a rate-limited retry: one WARN line and RUNNING with RATE_LIMITED until the next attempt; RUNNING after', async () => {
    const messages = await report((reporter) => {
      reporter.onRetry(retry({}));
      reporter.onRecovered({ request: REQUEST, attempts: 2 });
    });
    expect(messages).toEqual([
      {
        type: 'LOG',
        log: {
          level: 'WARN',
          message:
            'transfers (report chat_9, 2026-08-11 23:59:59 to 2026-08-13 00:00:00): attempt 1 of at most 6 failed: ' +
            'HTTP 403: the API is paused (maintenance or server backup). Next attempt in 4.2 seconds.',
        },
      },
      {
        type: 'TRACE',
        trace: {
          type: 'STREAM_STATUS',
          emitted_at: expect.any(Number) as unknown,
          stream_status: {
            stream_descriptor: { name: 'transfers' },
            status: 'RUNNING',
            reasons: [{ type: 'RATE_LIMITED', rate_limited: { quota_reset: NOW + 4_200 } }],
          },
        },
      },
      {
        type: 'TRACE',
        trace: {
          type: 'STREAM_STATUS',
          emitted_at: expect.any(Number) as unknown,
          stream_status: { stream_descriptor: { name: 'transfers' }, status: 'RUNNING' },
        },
      },
    ]);
  });

  it('a retry for another reason is a WARN line only, and its recovery says nothing', async () => {
    const messages = await report((reporter) => {
      reporter.onRetry(
        retry({ condition: 'timeout', reason: 'no complete answer within 75 seconds', delayMs: 1000 }),
      );
      reporter.onRecovered({ request: REQUEST, attempts: 2 });
    });
    expect(messages.map((message) => message.type)).toEqual(['LOG']);
    expect((messages[0] as MessageOfType<'LOG'>).log.message).toMatch(
      /no complete answer within 75 seconds\. Next attempt in 1 second\.$/,
    );
  });

  it('the spent daily quota: RATE_LIMITED until the next local midnight of the operation', async () => {
    const messages = await report((reporter) => reporter.onQuotaSpent({ request: REQUEST }));
    const midnight = Date.UTC(2026, 7, 13, 5, 0, 0); // 2026-08-13 00:00 in Bogota
    expect(messages).toHaveLength(1);
    expect((messages[0] as TraceOfType<'STREAM_STATUS'>).trace.stream_status).toEqual({
      stream_descriptor: { name: 'transfers' },
      status: 'RUNNING',
      reasons: [{ type: 'RATE_LIMITED', rate_limited: { quota_reset: midnight } }],
    });
  });

  it('next local midnight follows the zone, across a DST change', () => {
    // Madrid, 2026-03-28 12:00 UTC (13:00 CET): the next midnight is 2026-03-29 00:00 CET = 23:00 UTC.
    expect(nextLocalMidnight('Europe/Madrid', Date.UTC(2026, 2, 28, 12))).toBe(Date.UTC(2026, 2, 28, 23));
    // 2026-03-29 is 23 hours long: its next midnight is 2026-03-30 00:00 CEST = 22:00 UTC.
    expect(nextLocalMidnight('Europe/Madrid', Date.UTC(2026, 2, 29, 12))).toBe(Date.UTC(2026, 2, 29, 22));
  });
});
