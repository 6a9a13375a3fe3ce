import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, SystemError, TransientError } from '../errors/index.js';
import { MessageEmitter } from './emitter.js';
import { asConnectorError, errorTraceMessage, exitCodeOf } from './failure.js';
import { parseStateInput, readJsonFile } from './inputs.js';
import { jsonErrorOffset, positionAt } from './json-syntax.js';
import { logMessage } from './messages.js';
import { createRedactor, MASK } from './redact.js';

describe('redaction', () => {
  it('masks raw and JSON-escaped secrets', () => {
    const redact = createRedactor(['a"b\\cdef', 'plainsecret']);
    expect(redact('x plainsecret y')).toBe(`x ${MASK} y`);
    expect(redact(JSON.stringify({ m: 'a"b\\cdef' }))).not.toContain('cdef');
  });

  it('masks every letter case of a secret, raw and JSON-escaped', () => {
    const redact = createRedactor(['Tok-Secret-Ab"c9']);
    for (const variant of ['Tok-Secret-Ab"c9', 'TOK-SECRET-AB"C9', 'tok-secret-ab"c9', 'tOK-sECRET-aB"C9']) {
      expect(redact(`x ${variant} y`)).toBe(`x ${MASK} y`);
      expect(redact(JSON.stringify({ m: variant }))).toBe(`{"m":"${MASK}"}`);
    }
  });

  it('with fragments, masks every piece of 8 or more characters, in any case, and leaves shorter ones', () => {
    const token = 'SecretToKeN1234567890abc';
    const redact = createRedactor([token], { fragments: true });
    const piece = token.slice(2, 14); // 12 characters from inside the token
    for (const variant of [piece, piece.toUpperCase(), piece.toLowerCase()]) {
      expect(redact(`echo ${variant} end`)).toBe(`echo ${MASK} end`);
    }
    expect(redact(`echo ${token.slice(3, 10)} end`)).toBe(`echo ${token.slice(3, 10)} end`);
    expect(redact(`${token}`)).toBe(MASK);
    // Without fragments, only the whole token is masked.
    expect(createRedactor([token])(`echo ${piece} end`)).toBe(`echo ${piece} end`);
  });

  it('takes pattern characters in a secret literally', () => {
    const redact = createRedactor(['a.b*c+(d)[e]$']);
    expect(redact('a.b*c+(d)[e]$ aXbbc')).toBe(`${MASK} aXbbc`);
  });

  it('batches records, but writes any other message at once, after the records queued before it', async () => {
    const out = new PassThrough();
    let written = '';
    out.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const emitter = new MessageEmitter(out);
    await emitter.emit({ type: 'RECORD', record: { stream: 's', data: { a: 1 }, emitted_at: 1 } });
    await new Promise(setImmediate);
    expect(written).toBe('');
    await emitter.emit(logMessage('WARN', 'retrying'));
    await new Promise(setImmediate);
    expect(
      written
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { type: string }).type),
    ).toEqual(['RECORD', 'LOG']);
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

describe('input files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inputs-'));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('accepts a UTF-8 byte-order mark', async () => {
    expect(await readJsonFile(file('bom.json', '\ufeff{"a": 1}'), 'config')).toEqual({ a: 1 });
  });

  it.each([
    ['{"wolkvox_token": tok-SECRET-4f9a1c}', 'line 1, column 19'],
    ['{\n  "wolkvox_token": "tok-SECRET-4f9a1c",\n  "start_date": "2026-01-01",\n}', 'line 4, column 1'],
    ['{"wolkvox_token": "tok-SECRET-4f9a1c", ', 'it ends early (line 1, column 40)'],
    ['', 'it ends early (line 1, column 1)'],
  ])('a file that is not JSON: line and column, never its content (%j)', async (content, where) => {
    const error = await readJsonFile(file('bad.json', content), 'config').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`is not valid JSON: ${where}`);
    expect((error as Error).message.toLowerCase()).not.toMatch(/tok|secret|4f9a|wolkvox_token/);
  });

  it('finds the first JSON syntax error where JSON.parse does, and none in valid JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), fc.string({ maxLength: 2 }), (value, at, insert) => {
        const valid = JSON.stringify(value, null, at % 3);
        expect(jsonErrorOffset(valid)).toBe(-1);
        const cut = at % (valid.length + 1);
        const mutated = valid.slice(0, cut) + insert + valid.slice(cut);
        let parses = true;
        try {
          JSON.parse(mutated);
        } catch {
          parses = false;
        }
        expect(jsonErrorOffset(mutated) === -1).toBe(parses);
      }),
      { numRuns: 1000 },
    );
    expect(positionAt('ab\ncd\nef', 7)).toEqual({ line: 3, column: 2 });
  });
});

describe('error traces', () => {
  it('carry a stack trace for defects and transient failures, none for config errors', () => {
    const trace = (error: ConfigError | SystemError | TransientError) =>
      (errorTraceMessage(error) as { trace: { error: { stack_trace?: string } } }).trace.error.stack_trace;
    expect(trace(new ConfigError('fix the config'))).toBeUndefined();
    expect(trace(new SystemError('defect'))).toMatch(/^SystemError: defect\n\s+at /);
    expect(trace(new TransientError('later'))).toMatch(/^TransientError: later\n\s+at /);
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
