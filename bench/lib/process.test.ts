import { afterEach, describe, expect, it } from 'vitest';
import { RecordDigest, runNode } from './process.js';

const savedNodeOptions = process.env.NODE_OPTIONS;
afterEach(() => {
  if (savedNodeOptions === undefined) delete process.env.NODE_OPTIONS;
  else process.env.NODE_OPTIONS = savedNodeOptions;
});

describe('runNode', () => {
  it('starts node without the NODE_OPTIONS of the bench, as a user runs the connector', async () => {
    process.env.NODE_OPTIONS = '--max-old-space-size=100';
    const lines: string[] = [];
    const run = await runNode(['-e', 'console.log(process.env.NODE_OPTIONS ?? "none")'], {
      onLine: (line) => lines.push(line),
    });
    expect(run.exitCode).toBe(0);
    expect(lines).toEqual(['none']);
  });

  it('passes the flags it is given', async () => {
    const lines: string[] = [];
    await runNode(['-e', 'console.log(process.execArgv.filter((arg) => arg.startsWith("--")).join(" "))'], {
      nodeFlags: ['--max-semi-space-size=4'],
      onLine: (line) => lines.push(line),
    });
    expect(lines).toEqual(['--max-semi-space-size=4']);
  });

  it('reads stdout through a slow pipe to its end: every line, in order, every byte counted', async () => {
    // 3,000 lines of 200 bytes (3 of them multi-byte UTF-8), 600,000 bytes: many pipe buffers.
    const script =
      'for (let i = 0; i < 3000; i++) process.stdout.write(String(i).padStart(6, "0") + "ñ".repeat(3) + "x".repeat(187) + "\\n");';
    const lines: string[] = [];
    const run = await runNode(['-e', script], {
      onLine: (line) => lines.push(line),
      stdoutBytesPerSecond: 4_000_000,
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdoutBytes).toBe(3000 * 200);
    expect(lines).toHaveLength(3000);
    expect(lines[0]).toBe(`000000ñññ${'x'.repeat(187)}`);
    expect(lines.map((line) => Number(line.slice(0, 6)))).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });
});

describe('RecordDigest', () => {
  const data = [
    { id: 'a', date: '2025-01-01 00:00:00' },
    { id: 'b', date: '2025-01-01 00:00:01' },
  ];
  const connectorLine = (record: object) =>
    JSON.stringify({ type: 'RECORD', record: { stream: 'transfers', data: record, emitted_at: 1 } });
  const farosLine = (record: object) =>
    JSON.stringify({ record: { stream: 'transfers', emitted_at: 2, data: record }, type: 'RECORD' });
  const digestOf = (lines: string[]) => {
    const digest = new RecordDigest();
    lines.forEach(digest.onLine);
    return digest;
  };

  it('is the same for the same records in another order and envelope, other messages ignored', () => {
    const one = digestOf([...data.map(connectorLine), '{"type":"STATE","state":{}}']);
    const other = digestOf(['{"type":"LOG","log":{}}', ...data.map(farosLine).reverse()]);
    expect(one.records).toBe(2);
    expect(other.records).toBe(2);
    expect(other.digest).toBe(one.digest);
  });

  it('counts a record emitted twice in records, once in the digest', () => {
    const twice = digestOf([...data, data[1]!].map(farosLine));
    expect(twice.records).toBe(3);
    expect(twice.distinctRecords).toBe(2);
    expect(twice.digest).toBe(digestOf(data.map(connectorLine)).digest);
  });

  it('differs when one value differs', () => {
    const changed = [data[0]!, { ...data[1]!, id: 'c' }];
    expect(digestOf(changed.map(connectorLine)).digest).not.toBe(digestOf(data.map(connectorLine)).digest);
  });

  it('collects error traces', () => {
    const digest = digestOf(['{"type":"TRACE","trace":{"type":"ERROR","error":{"message":"no"}}}']);
    expect(digest.errors).toEqual(['no']);
  });
});
