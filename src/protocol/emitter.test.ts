import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordWriter } from '../sync/output.js';
import { MessageEmitter } from './emitter.js';
import { logMessage, stateMessage, type AirbyteMessage } from './messages.js';
import { createRedactor, type Redactor } from './redact.js';

/**
 * A stdout stand-in that keeps every chunk it is handed and a copy made when it was handed: a chunk
 * the emitter wrote to again afterwards no longer equals its copy.
 */
function keepingOutput({ highWaterMark = 16 * 1024, slow = false } = {}) {
  const chunks: { chunk: Buffer; copy: Buffer }[] = [];
  const out = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push({ chunk, copy: Buffer.from(chunk) });
      if (slow) setImmediate(callback);
      else callback();
    },
  });
  const written = () => {
    expect(chunks.every(({ chunk, copy }) => chunk.equals(copy))).toBe(true);
    return Buffer.concat(chunks.map(({ chunk }) => chunk));
  };
  return { out, written };
}

type Data = Record<string, unknown>;
/** How a record's JSON text reaches the writer: one bytes() range per piece, or pieces alternating text() and bytes(). */
interface RecordItem {
  kind: 'record';
  data: Data;
  mode: 'bytes' | 'mixed';
  cuts: number[];
  padding: number;
}
interface MessageItem {
  kind: 'message';
  message: AirbyteMessage;
}
interface Batch {
  stream: string;
  items: (RecordItem | MessageItem)[];
}

const SECRET = 'tok-Ks-7f3a-secret';
/** Spellings of SECRET the regexp iu flags match: letter cases, the Kelvin sign, the long s. */
const SECRET_SPELLINGS = [SECRET, 'TOK-\u212aS-7F3A-SECRET', 'tok-k\u017f-7f3a-\u017fecret'];

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('"', '\\', '\n', '\u2028', 'é', '😀', '\ud800', ...SECRET_SPELLINGS),
);
const big = fc
  .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }), fc.integer({ min: 70_000, max: 150_000 }))
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)));
const data: fc.Arbitrary<Data> = fc.dictionary(text, fc.oneof(text, fc.jsonValue({ maxDepth: 2 })), {
  maxKeys: 6,
});
const recordItem: fc.Arbitrary<RecordItem> = fc.record({
  kind: fc.constant('record' as const),
  // Now and then a record larger than the emitter's buffer.
  data: fc.oneof({ arbitrary: data, weight: 60 }, { arbitrary: big.map((large) => ({ large })), weight: 1 }),
  mode: fc.constantFrom('bytes' as const, 'mixed' as const),
  cuts: fc.array(fc.nat(), { maxLength: 6 }),
  padding: fc.nat({ max: 40 }),
});
const messageItem: fc.Arbitrary<MessageItem> = fc.record({
  kind: fc.constant('message' as const),
  message: fc.oneof(
    text.map((message) => logMessage('INFO', message)),
    fc.tuple(text, fc.nat()).map(([date, count]) => stateMessage('transfers', { date }, count)),
    data.map((record): AirbyteMessage => ({
      type: 'RECORD',
      record: { stream: 'chats', data: record, emitted_at: 7 },
    })),
  ),
});
const batches: fc.Arbitrary<Batch[]> = fc.array(
  fc.record({
    stream: fc.oneof(fc.constantFrom('transfers', 'chats'), fc.string({ unit: 'binary', maxLength: 8 })),
    items: fc.array(fc.oneof({ arbitrary: recordItem, weight: 5 }, { arbitrary: messageItem, weight: 1 }), {
      maxLength: 40,
    }),
  }),
  { maxLength: 8 },
);

/** Sorted, distinct cut points inside [0, length]. */
function cutPoints(cuts: number[], length: number): number[] {
  return [...new Set([0, ...cuts.map((cut) => cut % (length + 1)), length])].sort((a, b) => a - b);
}

/** Writes one record's JSON text through `writer` the way `item` says. */
function writeRecord(writer: RecordWriter, item: RecordItem): void {
  const json = JSON.stringify(item.data);
  writer.open();
  if (item.mode === 'bytes') {
    // The element inside a larger body, cut anywhere (even inside a character's bytes).
    const element = Buffer.from(json);
    const body = Buffer.concat([Buffer.alloc(item.padding, 0x20), element, Buffer.from(',{"next":1}')]);
    const points = cutPoints(item.cuts, element.length);
    for (let k = 1; k < points.length; k++) {
      writer.bytes(body, item.padding + (points[k - 1] ?? 0), item.padding + (points[k] ?? 0));
    }
  } else {
    // Pieces cut between characters, odd ones as text, even ones as bytes.
    const chars = [...json];
    const points = cutPoints(item.cuts, chars.length);
    for (let k = 1; k < points.length; k++) {
      const piece = chars.slice(points[k - 1], points[k]).join('');
      if (k % 2 === 1) writer.text(piece);
      else writer.bytes(new Uint8Array(Buffer.from(piece)), 0, Buffer.byteLength(piece));
    }
  }
  writer.close();
}

/** Returns once Date.now() has moved on: an emitted_at taken before differs from any taken after. */
async function nextMillisecond(): Promise<void> {
  const now = Date.now();
  while (Date.now() === now) await new Promise(setImmediate);
}

/**
 * Runs `plan` through a MessageEmitter, the clock moving on between batches and at each message
 * inside a batch; returns what it wrote and when each batch began and ended. */
async function play(plan: Batch[], redact: Redactor) {
  const { out, written } = keepingOutput();
  const emitter = new MessageEmitter(out, redact);
  const spans: { from: number; to: number }[] = [];
  for (const batch of plan) {
    await nextMillisecond();
    const from = Date.now();
    const writer = emitter.recordWriter(batch.stream);
    for (const item of batch.items) {
      if (item.kind === 'record') writeRecord(writer, item);
      else {
        await emitter.emit(item.message);
        await nextMillisecond();
      }
    }
    await emitter.endRecordBatch();
    spans.push({ from, to: Date.now() });
  }
  await emitter.close();
  return { written: written(), spans };
}

/**
 * The lines today's emitter writes for `plan` (JSON.stringify of each message, masked), with the
 * emitted_at read from `lines`: checked to be one value per batch, taken while the batch ran.
 */
function expectedLines(
  plan: Batch[],
  lines: string[],
  spans: { from: number; to: number }[],
  redact: Redactor,
) {
  const expected: string[] = [];
  plan.forEach((batch, index) => {
    const records = batch.items.filter((item): item is RecordItem => item.kind === 'record');
    const ordered = batch.items;
    const base = expected.length;
    const emittedAts = new Set(
      ordered.flatMap((item, at) =>
        item.kind === 'record' ? [Number(/,"emitted_at":(\d+)\}\}$/.exec(lines[base + at] ?? '')?.[1])] : [],
      ),
    );
    const [emittedAt = 0] = emittedAts;
    if (records.length > 0) {
      const span = spans[index] ?? { from: 0, to: 0 };
      expect(emittedAts.size).toBe(1);
      expect(emittedAt).toBeGreaterThanOrEqual(span.from);
      expect(emittedAt).toBeLessThanOrEqual(span.to);
    }
    for (const item of ordered) {
      const line =
        item.kind === 'record'
          ? { type: 'RECORD', record: { stream: batch.stream, data: item.data, emitted_at: emittedAt } }
          : item.message;
      expected.push(redact(JSON.stringify(line)));
    }
  });
  return expected;
}

describe('RECORD lines written as bytes', () => {
  it('are byte for byte the JSON.stringify lines of today, in the order of the calls, masked', async () => {
    await fc.assert(
      fc.asyncProperty(batches, fc.boolean(), async (plan, withSecret) => {
        const redact = createRedactor(withSecret ? [SECRET] : []);
        const { written, spans } = await play(plan, redact);
        const lines = written.toString().split('\n').slice(0, -1);
        const expected = expectedLines(plan, lines, spans, redact);
        expect(lines).toEqual(expected);
        expect(written.equals(Buffer.from(expected.map((line) => `${line}\n`).join('')))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('record writer backpressure', () => {
  it('waits for a slow reader at the end of each batch, also after a batch larger than the buffer', async () => {
    const highWaterMark = 16 * 1024;
    const { out, written } = keepingOutput({ highWaterMark, slow: true });
    const emitter = new MessageEmitter(out);
    const writer = emitter.recordWriter('transfers');
    const element = Buffer.from(JSON.stringify({ conn_id: 'x'.repeat(560), transfer_agent_name: 'José' }));
    // 200 batches of 20 records (about 12 KB each), then one batch of 600 (about 360 KB).
    const sizes = [...Array<number>(200).fill(20), 600];
    const waited: boolean[] = [];
    for (const size of sizes) {
      for (let k = 0; k < size; k++) {
        writer.open();
        writer.bytes(element, 0, element.length);
        writer.close();
      }
      const wait = emitter.endRecordBatch();
      waited.push(wait !== undefined);
      await wait;
      // After a batch the stream never holds more than its high-water mark: a full stream was waited for.
      expect(out.writableLength).toBeLessThan(highWaterMark);
    }
    await emitter.close();
    const lines = written().toString().split('\n').slice(0, -1);
    expect(lines).toHaveLength(200 * 20 + 600);
    expect(new Set(lines.map((line) => line.replace(/"emitted_at":\d+/, '')))).toEqual(
      new Set([`{"type":"RECORD","record":{"stream":"transfers","data":${element.toString()},}}`]),
    );
    // Each 64 KiB write fills the stream (about one batch in six), and the large batch's writes did.
    expect(waited.filter(Boolean).length).toBeGreaterThan(20);
    expect(waited.at(-1)).toBe(true);
  });
});
