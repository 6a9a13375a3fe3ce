import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError, SystemError, TransientError } from '../errors/index.js';
import { MessageEmitter } from './emitter.js';
import { asConnectorError, errorTraceMessage, exitCodeOf } from './failure.js';
import { parseStateInput } from './inputs.js';
import { logMessage } from './messages.js';
import { createRedactor, MASK } from './redact.js';

describe('redaction', () => {
  it('masks raw and JSON-escaped secrets', () => {
    const redact = createRedactor(['a"b\\cdef', 'plainsecret']);
    expect(redact('x plainsecret y')).toBe(`x ${MASK} y`);
    expect(redact(JSON.stringify({ m: 'a"b\\cdef' }))).not.toContain('cdef');
  });

  it('masks secrets in every emitted line', async () => {
    const out = new PassThrough();
    let written = '';
    out.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const emitter = new MessageEmitter(out, createRedactor(['token-123456']));
    await emitter.emit(logMessage('ERROR', 'failed with token-123456 in a stack'));
    await emitter.close();
    expect(written).not.toContain('token-123456');
    expect(written).toContain(MASK);
  });
});

describe('emitter backpressure', () => {
  it('waits for a slow reader instead of buffering', async () => {
    let delivered = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        delivered += chunk.length;
        setTimeout(callback, 1);
      },
    });
    const emitter = new MessageEmitter(slow);
    let waits = 0;
    for (let i = 0; i < 5_000; i++) {
      const pending = emitter.emit(logMessage('INFO', `line ${i} ${'x'.repeat(100)}`));
      if (pending) {
        waits++;
        await pending;
        // After a wait, what the stream holds stays bounded by its high-water mark plus one batch.
        expect(slow.writableLength).toBeLessThanOrEqual(16 * 1024 + 70 * 1024);
      }
    }
    await emitter.close();
    expect(waits).toBeGreaterThan(0);
    expect(delivered).toBeGreaterThan(5_000 * 100);
  });
});

describe('failure mapping', () => {
  it('maps each kind to one failure_type and exit code', () => {
    const cases = [
      [new ConfigError('c'), 'config_error', 1],
      [new SystemError('s'), 'system_error', 70],
      [new TransientError('t'), 'transient_error', 75],
      [asConnectorError(new TypeError('boom')), 'system_error', 70],
    ] as const;
    for (const [error, failureType, exitCode] of cases) {
      const trace = errorTraceMessage(error, { name: 'transfers' });
      expect(trace).toMatchObject({
        trace: { error: { failure_type: failureType, stream_descriptor: { name: 'transfers' } } },
      });
      expect(exitCodeOf(error)).toBe(exitCode);
    }
  });
});

describe('state input', () => {
  const streamState = { date: '2026-01-01 00:00:00', ids_at_date: [] };
  it('reads per-stream STATE arrays, wrapped messages, GLOBAL and legacy objects', () => {
    const perStream = {
      type: 'STREAM',
      stream: { stream_descriptor: { name: 'transfers' }, stream_state: streamState },
    };
    expect(parseStateInput([perStream]).get('transfers')).toEqual(streamState);
    expect(parseStateInput([{ type: 'STATE', state: perStream }]).get('transfers')).toEqual(streamState);
    expect(parseStateInput({ transfers: streamState }).get('transfers')).toEqual(streamState);
    expect(
      parseStateInput([{ type: 'GLOBAL', global: { stream_states: [perStream.stream] } }]).get('transfers'),
    ).toEqual(streamState);
    expect(parseStateInput([]).size).toBe(0);
  });

  it('refuses what it cannot use, saying why', () => {
    expect(() => parseStateInput('yesterday')).toThrow(/array of STATE messages/);
    expect(() => parseStateInput([{ type: 'STREAM', stream: {} }])).toThrow(/stream_descriptor/);
    expect(() => parseStateInput([42])).toThrow(/not a JSON object/);
  });
});
