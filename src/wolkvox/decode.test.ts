import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyTextDecoder } from './charset.js';
import {
  batchLength,
  bodyElements,
  CompressedBodyError,
  elementText,
  envelopeDetail,
  type DecodeOptions,
  type ElementBatch,
  type Envelope,
  MalformedBodyError,
  readErrorDetail,
  type Utf8ElementBatch,
} from './decode.js';
import type { RawRecord } from './types.js';
import { asyncChunks } from '../../test-support/async-chunks.js';

const parseRawRecord = (text: string) => JSON.parse(text) as RawRecord;

/** The body in chunks of `size` bytes (a multi-byte character may be split across two chunks). */
function chunked(text: string, size: number): AsyncIterable<Uint8Array> {
  return chunkedBytes(Buffer.from(text), size);
}

function chunkedBytes(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  return asyncChunks(
    Array.from({ length: Math.ceil(bytes.length / size) }, (_, k) =>
      bytes.subarray(k * size, (k + 1) * size),
    ),
  );
}

const PATHS = { whole: Number.POSITIVE_INFINITY, streaming: 1 } as const;

/** The texts of a batch's elements. */
function texts(batch: ElementBatch): string[] {
  return Array.from({ length: batchLength(batch) }, (_, k) => elementText(batch, k));
}

/** Every element handed out, parsed (a text that is not JSON is a malformed body, as in the client). */
async function decodeAll(text: string, threshold: number, chunkSize = 7) {
  return decodeChunks(chunked(text, chunkSize), { streamingThreshold: threshold });
}

async function decodeChunks(chunks: AsyncIterable<Uint8Array>, options: DecodeOptions) {
  const records: RawRecord[] = [];
  const elements = bodyElements(chunks, options);
  let envelope: Envelope;
  for (;;) {
    const next = await elements.next();
    if (next.done === true) {
      envelope = next.value;
      break;
    }
    for (const element of texts(next.value)) {
      try {
        records.push(parseRawRecord(element));
      } catch {
        throw new MalformedBodyError('an element is not valid JSON');
      }
    }
  }
  return { records, envelope };
}

describe.each(Object.entries(PATHS))('bodyElements, %s path', (_path, threshold) => {
  it('hands out every element of a data list, in order, with the envelope fields', async () => {
    const body =
      '{"code":200,"error":null,"msg":"2 records were found","data":[{"conn_id":"a"},{"conn_id":"b"}]}';
    const { records, envelope } = await decodeAll(body, threshold);
    expect(records).toEqual([{ conn_id: 'a' }, { conn_id: 'b' }]);
    expect(envelope).toEqual({
      code: 200,
      error: null,
      msg: '2 records were found',
      hasData: true,
      fallbackBytes: 0,
    });
  });

  it('takes a single object in data as one record, and a code given as a string', async () => {
    const { records, envelope } = await decodeAll(
      '{"code":"200","msg":"1","data":{"conn_id":"solo"}}',
      threshold,
    );
    expect(records).toEqual([{ conn_id: 'solo' }]);
    expect(envelope.code).toBe('200');
  });

  it('keeps unknown fields, nested values and non-string values as they are', async () => {
    const record = { conn_id: 'x', extra: { deep: [1, 'two', null, true] }, n: -1.5e3, flag: false };
    const { records } = await decodeAll(
      JSON.stringify({ code: 200, data: [record], more: { x: [1] } }),
      threshold,
    );
    expect(records).toEqual([record]);
  });

  it('reads multi-byte characters split across chunks, and drops a byte-order mark', async () => {
    const body = '\ufeff{"code":200,"data":[{"name":"Gómez Núñez 💬"}]}';
    const { records } = await decodeAll(body, threshold, 1);
    expect(records).toEqual([{ name: 'Gómez Núñez 💬' }]);
  });

  it('reports an empty list as data with no records, and a null or missing data as no data', async () => {
    expect((await decodeAll('{"code":200,"data":[]}', threshold)).envelope.hasData).toBe(true);
    expect((await decodeAll('{"code":200,"data":null}', threshold)).envelope.hasData).toBe(false);
    const missing = await decodeAll(
      '{"code":403,"error":"FORBIDDEN","msg":"TOKEN LIMIT EXCEEDED"}',
      threshold,
    );
    expect(missing.envelope).toEqual({
      code: 403,
      error: 'FORBIDDEN',
      msg: 'TOKEN LIMIT EXCEEDED',
      hasData: false,
      fallbackBytes: 0,
    });
  });

  it.each([200, '200', 0, '0', 201, '202'])('hands records out under the success code %j', async (code) => {
    const { records } = await decodeAll(JSON.stringify({ code, data: [{ conn_id: 'a' }] }), threshold);
    expect(records).toEqual([{ conn_id: 'a' }]);
  });

  it.each([500, '403', 404])('hands out no record under the failing code %j before data', async (code) => {
    const body = JSON.stringify({ code, msg: 'm', data: [{ conn_id: 'a' }, { conn_id: 'b' }] });
    const { records, envelope } = await decodeAll(body, threshold);
    expect(records).toEqual([]);
    expect(envelope.code).toBe(code);
  });

  it('reads a body declared ISO-8859-1 as Windows-1252, cut anywhere', async () => {
    // "Peña" with ñ = 0xF1, "€" = 0x80 and "…" = 0x85 in Windows-1252.
    const bytes = Buffer.from('{"code":200,"data":[{"name":"Pe\xf1a \x80 \x85"}]}', 'latin1');
    for (const charset of ['iso-8859-1', 'windows-1252', 'latin1']) {
      const { records, envelope } = await decodeChunks(chunkedBytes(bytes, 3), {
        streamingThreshold: threshold,
        charset,
      });
      expect(records).toEqual([{ name: 'Peña € …' }]);
      expect(envelope.fallbackBytes).toBe(0);
    }
  });

  it('reads bytes invalid as UTF-8 without a charset as Windows-1252, counting them, chunk-independent', async () => {
    // Mixed: "Gómez" in UTF-8, "Peña" and "Núñez" in Windows-1252 (0xF1, 0xFA, 0xF1).
    const bytes = Buffer.concat([
      Buffer.from('{"code":200,"data":[{"a":"Gómez"},{"b":"Pe'),
      Buffer.from([0xf1]),
      Buffer.from('a"},{"c":"N'),
      Buffer.from([0xfa, 0xf1]),
      Buffer.from('ez"}]}'),
    ]);
    for (const size of [1, 2, 3, 5, 64]) {
      const { records, envelope } = await decodeChunks(chunkedBytes(bytes, size), {
        streamingThreshold: threshold,
      });
      expect(records).toEqual([{ a: 'Gómez' }, { b: 'Peña' }, { c: 'Núñez' }]);
      expect(envelope.fallbackBytes).toBe(3);
    }
  });

  it('refuses a gzip body, naming the encoding', async () => {
    const { gzipSync } = await import('node:zlib');
    const bytes = gzipSync('{"code":200,"data":[]}');
    await expect(decodeChunks(chunkedBytes(bytes, 4), { streamingThreshold: threshold })).rejects.toThrow(
      CompressedBodyError,
    );
  });

  it.each([
    ['not JSON', '<html><body>Service Unavailable</body></html>'],
    ['empty', ''],
    ['a list instead of the envelope', '[{"conn_id":"a"}]'],
    ['a bare string', '"ok"'],
    ['a data element that is not an object', '{"code":200,"data":[{"a":1},"b"]}'],
    ['trailing garbage', '{"code":200,"data":[]} {}'],
  ])('refuses a body that is %s', async (_what, body) => {
    await expect(decodeAll(body, threshold)).rejects.toThrow(MalformedBodyError);
  });

  it.each([
    ['two lists', '{"code":200,"data":[{"conn_id":"a"}],"data":[{"conn_id":"b"}]}'],
    ['a list, then an object', '{"code":200,"data":[{"conn_id":"a"}],"msg":"m","data":{"conn_id":"b"}}'],
    ['null, then a list', '{"code":200,"data":null,"data":[{"conn_id":"b"}]}'],
    ['a list, then an escaped `data` key', '{"data":[],"code":200,"d\\u0061ta":[{"conn_id":"b"}]}'],
  ])('refuses a body with two `data` members (%s), naming the problem', async (_what, body) => {
    for (const size of [1, 7, body.length]) {
      await expect(decodeAll(body, threshold, size)).rejects.toThrow(
        new MalformedBodyError('the body has more than one `data` member'),
      );
    }
  });

  it('refuses every truncation of a valid body', async () => {
    const body = '{"code":200,"error":null,"msg":"2","data":[{"conn_id":"a","n":12},{"conn_id":"b"}]}';
    for (let cut = 0; cut < body.length; cut += 1) {
      await expect(decodeAll(body.slice(0, cut), threshold), `cut at ${cut}`).rejects.toThrow(
        /truncated or non-JSON body/,
      );
    }
  });

  it('reads no further while the consumer does not pull (backpressure)', async () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ conn_id: `c${i}`, pad: 'x'.repeat(50) }));
    const bytes = Buffer.from(JSON.stringify({ code: 200, data: records }));
    let pulled = 0;
    function* body() {
      for (let offset = 0; offset < bytes.length; offset += 100) {
        pulled += 1;
        yield bytes.subarray(offset, offset + 100);
      }
    }
    const elements = bodyElements(asyncChunks(body()), { streamingThreshold: threshold });
    const first = await elements.next();
    const seen = first.done === true ? [] : texts(first.value).map(parseRawRecord);
    const pulledAtFirst = pulled;
    for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(pulled).toBe(pulledAtFirst);
    // Streaming hands out the first chunks' records; the whole path reads the body first (under the threshold).
    if (threshold === PATHS.streaming) expect(pulled).toBeLessThan(5);
    else expect(pulled).toBe(Math.ceil(bytes.length / 100));
    for await (const batch of elements) seen.push(...texts(batch).map(parseRawRecord));
    expect(seen).toEqual(records);
  });
});

describe('bodyElements, both paths', () => {
  it('agree with JSON.parse on arbitrary records and chunkings', async () => {
    const record = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 5 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { maxLength: 8 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        async (data, size, pretty) => {
          // PHP's pretty printer and ours differ; whitespace between tokens must not matter.
          const body = JSON.stringify(
            { code: 200, error: null, msg: 'm', data },
            null,
            pretty ? 2 : undefined,
          );
          const expected = (JSON.parse(body) as { data: RawRecord[] }).data;
          const whole = await decodeAll(body, PATHS.whole, size);
          const streaming = await decodeAll(body, PATHS.streaming, size);
          expect(whole.records).toEqual(expected);
          expect(streaming.records).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuse a body cut anywhere, as a retryable malformed body', async () => {
    const data = Array.from({ length: 20 }, (_, i) => ({ conn_id: `c${i}`, name: 'Peña "Lucho" \\ {x}' }));
    const body = JSON.stringify({ code: 200, error: null, msg: 'm', data });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: body.length - 1 }), async (cut) => {
        for (const threshold of Object.values(PATHS)) {
          await expect(decodeAll(body.slice(0, cut), threshold, 13)).rejects.toBeInstanceOf(
            MalformedBodyError,
          );
        }
      }),
      { numRuns: 200 },
    );
  });

  it('streaming, a failing code after data: records were handed out (the client yields a restart)', async () => {
    const data = [{ conn_id: 'a' }, { conn_id: 'b' }];
    const body = JSON.stringify({ data, code: 500 });
    const whole = await decodeAll(body, PATHS.whole);
    const streaming = await decodeAll(body, PATHS.streaming);
    expect(whole.records).toEqual([]);
    expect(streaming.records).toEqual(data);
    expect(streaming.envelope.code).toBe(500);
  });

  it('switches to streaming once the buffered head reaches the threshold, losing nothing', async () => {
    const data = Array.from({ length: 1000 }, (_, i) => ({ conn_id: String(i) }));
    const { records } = await decodeAll(JSON.stringify({ code: 200, data }), 5_000, 333);
    expect(records).toEqual(data);
  });
});

/** Every batch of a body, with its envelope. */
async function batchesOf(chunks: AsyncIterable<Uint8Array>, options: DecodeOptions) {
  const batches: ElementBatch[] = [];
  const elements = bodyElements(chunks, options);
  for (;;) {
    const next = await elements.next();
    if (next.done === true) return { batches, envelope: next.value };
    batches.push(next.value);
  }
}

/** The body cut into pieces at the given byte offsets. */
function cutAt(bytes: Uint8Array, ...cuts: number[]): AsyncIterable<Uint8Array> {
  const ends = [...cuts, bytes.length];
  return asyncChunks(ends.map((end, k) => bytes.subarray(ends[k - 1] ?? 0, end)));
}

/** The texts of the elements of `data` in the whole body decoded by BodyTextDecoder (elements without a top-level comma). */
function wholeBodyElements(bytes: Uint8Array, charset?: string): { texts: string[]; fallbackBytes: number } {
  const decoder = new BodyTextDecoder(charset);
  const text = decoder.decode(bytes) + decoder.end();
  const list = text.slice(text.indexOf('[') + 1, text.lastIndexOf(']'));
  return { texts: list === '' ? [] : list.split(','), fallbackBytes: decoder.fallbackBytes };
}

describe('bodyElements, element bytes', () => {
  const data = [
    { name: 'Gómez Núñez 💬', note: 'a quote \\" and a backslash \\\\' },
    { name: 'Peña', note: '\\', more: { deep: ['}', '{', '"'] } },
    { name: '€…ñ', note: '"' },
  ];
  const elementTexts = data.map((record) => JSON.stringify(record));
  const body = Buffer.from(`{"code":200,"error":null,"msg":"3","data":[${elementTexts.join(',')}]}`);

  it('hands out valid UTF-8 elements as bytes, from `{` to `}`, the small body in one batch', async () => {
    const { batches } = await batchesOf(chunkedBytes(body, 7), { streamingThreshold: PATHS.whole });
    expect(batches).toHaveLength(1);
    const batch = batches[0]!;
    expect(batch.kind).toBe('utf8');
    if (batch.kind !== 'utf8') return;
    expect(batch.starts.map((start, k) => batch.bytes.toString('utf8', start, batch.ends[k]))).toEqual(
      elementTexts,
    );
  });

  it('cuts at every byte (multibyte characters, escapes `\\"` and `\\\\` across chunk ends) give the same elements', async () => {
    for (let cut = 0; cut <= body.length; cut += 1) {
      for (const threshold of Object.values(PATHS)) {
        const { batches, envelope } = await batchesOf(cutAt(body, cut), { streamingThreshold: threshold });
        expect(batches.flatMap(texts), `cut at ${cut}`).toEqual(elementTexts);
        expect(batches.every((batch) => batch.kind === 'utf8')).toBe(true);
        expect(envelope).toEqual({ code: 200, error: null, msg: '3', hasData: true, fallbackBytes: 0 });
      }
    }
    const { batches } = await batchesOf(chunkedBytes(body, 1), { streamingThreshold: PATHS.streaming });
    expect(batches.flatMap(texts)).toEqual(elementTexts);
  });

  it('a batch with a byte invalid as UTF-8 is text, decoded and counted as in the whole body; the others stay bytes', async () => {
    const elements = [
      Buffer.from('{"a":"Gómez"}'),
      Buffer.from('{"b":"Pe\xf1a \x80 \xe2\x82"}', 'latin1'),
      Buffer.from('{"c":"Núñez"}'),
    ];
    const head = Buffer.from('{"code":200,"data":[');
    const bytes = Buffer.concat([
      head,
      elements[0]!,
      Buffer.from(','),
      elements[1]!,
      Buffer.from(','),
      elements[2]!,
      Buffer.from(']}'),
    ]);
    const second = head.length + elements[0]!.length + 1;
    const third = second + elements[1]!.length + 1;
    const whole = wholeBodyElements(bytes);
    expect(whole.fallbackBytes).toBe(4);
    const streamed = await batchesOf(cutAt(bytes, second, third), { streamingThreshold: PATHS.streaming });
    expect(streamed.batches.map((batch) => batch.kind)).toEqual(['utf8', 'text', 'utf8']);
    expect(streamed.batches.flatMap(texts)).toEqual(whole.texts);
    expect(streamed.batches.flatMap(texts)[1]).toBe('{"b":"Peña € â‚"}');
    expect(streamed.envelope.fallbackBytes).toBe(4);
    const held = await batchesOf(cutAt(bytes, second, third), { streamingThreshold: PATHS.whole });
    expect(held.batches.map((batch) => batch.kind)).toEqual(['text']);
    expect(held.batches.flatMap(texts)).toEqual(whole.texts);
    expect(held.envelope.fallbackBytes).toBe(4);
  });

  it('an element decoded alone reads as in the whole body, for any bytes and chunking', async () => {
    // String contents: letters and any byte from 0x80 up (valid UTF-8 or not), never `"`, `\`, `,`, `{` or `}`.
    const content = fc
      .uint8Array({ maxLength: 12 })
      .map((raw) => raw.map((b) => (b < 0x80 ? 0x61 + (b % 26) : b)));
    await fc.assert(
      fc.asyncProperty(
        fc.array(content, { maxLength: 6 }),
        fc.integer({ min: 1, max: 30 }),
        fc.boolean(),
        async (values, size, streaming) => {
          const parts = values.map((value) =>
            Buffer.concat([Buffer.from('{"v":"'), value, Buffer.from('"}')]),
          );
          const bytes = Buffer.concat([
            Buffer.from('{"code":200,"data":['),
            ...parts.flatMap((part, k) => (k === 0 ? [part] : [Buffer.from(','), part])),
            Buffer.from(']}'),
          ]);
          const whole = wholeBodyElements(bytes);
          const { batches, envelope } = await batchesOf(chunkedBytes(bytes, size), {
            streamingThreshold: streaming ? PATHS.streaming : PATHS.whole,
          });
          expect(batches.flatMap(texts)).toEqual(whole.texts);
          expect(envelope.fallbackBytes).toBe(whole.fallbackBytes);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a declared single-byte charset gives text batches, even of ASCII, and keeps a leading byte-order mark (not a JSON object)', async () => {
    const ascii = Buffer.from('{"code":200,"data":[{"a":"b"},{"c":"d"}]}');
    for (const threshold of Object.values(PATHS)) {
      const { batches } = await batchesOf(chunkedBytes(ascii, 9), {
        streamingThreshold: threshold,
        charset: 'latin1',
      });
      expect(batches.every((batch) => batch.kind === 'text')).toBe(true);
      expect(batches.flatMap(texts)).toEqual(['{"a":"b"}', '{"c":"d"}']);
    }
    // "ñ" = 0xF1, "€" = 0x80, "…" = 0x85 in Windows-1252, several elements a batch.
    const accented = Buffer.from(
      '{"code":200,"data":[{"a":"b"},{"n":"Pe\xf1a \x80"},{"c":"\x85 d"}]}',
      'latin1',
    );
    for (let size = 1; size <= accented.length; size += 1) {
      for (const threshold of Object.values(PATHS)) {
        const { batches, envelope } = await batchesOf(chunkedBytes(accented, size), {
          streamingThreshold: threshold,
          charset: 'windows-1252',
        });
        expect(batches.flatMap(texts), `chunks of ${size}`).toEqual([
          '{"a":"b"}',
          '{"n":"Peña €"}',
          '{"c":"… d"}',
        ]);
        expect(envelope.fallbackBytes).toBe(0);
      }
    }
    const withMark = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), ascii]);
    await expect(batchesOf(chunkedBytes(withMark, 2), { charset: 'latin1' })).rejects.toThrow(
      'the body is not a JSON object',
    );
    const { batches } = await batchesOf(chunkedBytes(withMark, 2), { streamingThreshold: PATHS.streaming });
    expect(batches.flatMap(texts)).toEqual(['{"a":"b"}', '{"c":"d"}']);
  });

  it('refuses gzip bytes cut after their first byte', async () => {
    const { gzipSync } = await import('node:zlib');
    await expect(batchesOf(chunkedBytes(gzipSync('{"code":200,"data":[]}'), 1), {})).rejects.toThrow(
      CompressedBodyError,
    );
  });

  it('skips a member over 64 KiB unparsed (counting its fallback bytes), keeps the others', async () => {
    // Not valid JSON (no comma between the items): only a skipped member goes unnoticed.
    const long = Buffer.concat([
      Buffer.from('["'),
      Buffer.from([0xf1, 0xc3, 0xb1]),
      Buffer.alloc(70 * 1024, 'x'),
      Buffer.from([0xe9]),
      Buffer.from('" 1]'),
    ]);
    const bytes = Buffer.concat([
      Buffer.from('{"code":200,"msg":"ok","note":'),
      long,
      Buffer.from(',"data":[{"a":1}]}'),
    ]);
    for (const size of [1000, 4096, 7000]) {
      const { batches, envelope } = await batchesOf(chunkedBytes(bytes, size), {
        streamingThreshold: PATHS.streaming,
      });
      expect(batches.flatMap(texts)).toEqual(['{"a":1}']);
      expect(envelope).toEqual({ code: 200, error: undefined, msg: 'ok', hasData: true, fallbackBytes: 2 });
    }
  });

  it('counts the fallback bytes of a data object once', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"code":200,"data": {"b":"Pe'),
      Buffer.from([0xf1]),
      Buffer.from('a"} }'),
    ]);
    for (const threshold of Object.values(PATHS)) {
      const { batches, envelope } = await batchesOf(chunkedBytes(bytes, 5), {
        streamingThreshold: threshold,
      });
      expect(batches.flatMap(texts)).toEqual(['{"b":"Peña"}']);
      expect(envelope.fallbackBytes).toBe(1);
    }
  });

  it('refuses a body whose key is not a valid JSON string, as malformed', async () => {
    await expect(decodeAll('{"co\\de":200,"data":[]}', PATHS.streaming)).rejects.toThrow(MalformedBodyError);
  });

  it('writes a later chunk after the carry in the same buffer, never over the bytes of a batch handed out', async () => {
    // Elements of 20 to 2,040 bytes in chunks of 5,000: most chunks end inside an element, whose start
    // is carried into the next. Element 150 (60 KB) spans 12 chunks: its carry outgrows its buffer.
    const records = Array.from({ length: 300 }, (_, i) => ({
      conn_id: `c${i}`,
      pad: 'x'.repeat(i === 150 ? 60_000 : (i * 37) % 2000),
    }));
    const bytes = Buffer.from(JSON.stringify({ code: 200, data: records }));
    const received: { batch: ElementBatch; copy: Buffer }[] = [];
    const elements = bodyElements(chunkedBytes(bytes, 5000), { streamingThreshold: PATHS.streaming });
    for await (const batch of elements) {
      if (batch.kind !== 'utf8') throw new Error('an ASCII body gives byte batches');
      received.push({ batch, copy: Buffer.from(batch.bytes) });
    }
    const utf8 = received.map(({ batch }) => batch as Utf8ElementBatch);
    // Batches of consecutive chunks share a buffer: the second chunk was written after the first one's carry.
    const shared = utf8.filter((batch, k) => k > 0 && batch.bytes.buffer === utf8[k - 1]!.bytes.buffer);
    expect(shared.length).toBeGreaterThan(10);
    for (const { batch, copy } of received) expect((batch as Utf8ElementBatch).bytes.equals(copy)).toBe(true);
    expect(received.flatMap(({ batch }) => texts(batch)).map((text) => JSON.parse(text) as unknown)).toEqual(
      records,
    );
  });

  it('carries only the element in progress from chunk to chunk', async () => {
    const records = Array.from({ length: 2000 }, (_, i) => ({ conn_id: `c${i}`, pad: 'x'.repeat(i % 50) }));
    const bytes = Buffer.from(JSON.stringify({ code: 200, data: records }));
    const longest = Math.max(...records.map((record) => JSON.stringify(record).length));
    const { batches } = await batchesOf(chunkedBytes(bytes, 1000), { streamingThreshold: PATHS.streaming });
    expect(batches.flatMap(texts).map((text) => JSON.parse(text) as unknown)).toEqual(records);
    for (const batch of batches)
      if (batch.kind === 'utf8') expect(batch.bytes.length).toBeLessThan(1000 + longest);
  });
});

describe('readErrorDetail', () => {
  it('gives "error: msg" of a JSON envelope', async () => {
    const body = '{"code":403,"error":"FORBIDDEN","msg":"TOKEN LIMIT EXCEEDED","data":null}';
    expect(await readErrorDetail(chunked(body, 5))).toEqual({
      detail: 'FORBIDDEN: TOKEN LIMIT EXCEEDED',
      body: 'envelope',
    });
  });

  it.each([
    ['{"code":404,"error":null,"msg":"Validate dates entered"}', 'envelope', 'Validate dates entered'],
    ['  \r\n', 'empty', ''],
    ['{"detail":"Not Found"}', 'json', '{"detail":"Not Found"}'],
    ['[404]', 'json', '[404]'],
    ['Not Found', 'text', 'Not Found'],
  ])('tells the kind of body %j', async (body, kind, detail) => {
    expect(await readErrorDetail(chunked(body, 3))).toEqual({ detail, body: kind });
  });

  it('names a gzip-compressed body instead of quoting its bytes', async () => {
    const { gzipSync } = await import('node:zlib');
    const bytes = gzipSync('{"code":403,"error":"FORBIDDEN","msg":"TOKEN LIMIT EXCEEDED"}');
    expect(await readErrorDetail(chunkedBytes(bytes, 5))).toEqual({
      detail: '(a gzip-compressed body)',
      body: 'text',
    });
  });

  it('gives the start of a non-JSON body on one line, and reads no more than its cap', async () => {
    expect(await readErrorDetail(chunked('<h1>Down for\n  maintenance</h1>', 4))).toEqual({
      detail: '<h1>Down for maintenance</h1>',
      body: 'html',
    });
    let pulled = 0;
    function* endless() {
      for (;;) {
        pulled += 1;
        yield Buffer.alloc(1024, 'a');
      }
    }
    const { detail } = await readErrorDetail(asyncChunks(endless()));
    expect(pulled).toBe(64);
    expect(detail).toBe(`${'a'.repeat(300)}...`);
  });

  it('envelopeDetail skips empty parts', () => {
    expect(envelopeDetail({ error: null, msg: 'Validate dates entered' })).toBe('Validate dates entered');
    expect(envelopeDetail({ error: '', msg: '  ' })).toBe('');
  });
});
