import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OffsetFormatter } from '../time/zone.js';
import type { RawRecord } from '../wolkvox/types.js';
import { shapeRecord } from './record-shape.js';
import { REPORT_DEFINITIONS } from './report-definitions.js';
import { shapeReportEvent } from './report-shape.js';
import { eventPartitionStream, sourceStreams } from './source-streams.js';
import type { StreamDefinition } from './definition.js';
import { TRANSFER_FIELDS, transfers } from './transfers.js';
import { syncConfig } from '../../test-support/sync-config.js';
import { shapeElement, writtenJson } from '../../test-support/shaped-record.js';
import { elementsBatch } from './record-codec.js';
import { idOfKey } from './record-shape.js';
import { bodyElements, type ElementBatch } from '../wolkvox/decode.js';
import { asyncChunks } from '../../test-support/async-chunks.js';

const zones = [
  new OffsetFormatter('America/Bogota'),
  new OffsetFormatter('America/Santiago', Date.UTC(2026, 3, 5)),
];

/** PHP's json_encode: non-ASCII as \uXXXX (surrogate pairs for astral characters) and "/" as "\/". */
function phpStyle(json: string): string {
  return json
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}

/** The record the general path writes for `text` (the path every record took before the fast one). */
function expected(
  text: string,
  general: (raw: RawRecord, offsets: OffsetFormatter) => { record: Record<string, unknown>; id: string },
  offsets: OffsetFormatter,
) {
  const { record, id } = general(JSON.parse(text) as RawRecord, offsets);
  return { json: JSON.stringify(record), id };
}

function actual(stream: StreamDefinition, text: string, offsets: OffsetFormatter) {
  const shaped = shapeElement(stream, text, offsets);
  return { json: writtenJson(stream, shaped), id: idOfKey(shaped.key) };
}

/** Values as Wolkvox sends them, and the odd ones it might. */
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '',
    ' ',
    '-',
    '\t',
    ' \t',
    ' \r\n',
    '  \n ',
    ' \u00a0',
    '\u2028',
    ' x',
    'Peña "Lucho" \\ / {x}',
    '2026-04-04 23:30:00',
    '2026-02-30 10:00:00',
  ),
  fc.stringMatching(/^[ \t\r\n\u00a0-]{0,4}$/),
);
const date = fc.oneof(
  fc
    .date({ min: new Date(Date.UTC(2020, 0, 1)), max: new Date(Date.UTC(2030, 0, 1)), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 19).replace('T', ' ')),
  text,
);
const odd = fc.oneof(fc.jsonValue(), fc.constant(undefined));

/** An element of `fields`: usually flat strings in order, sometimes reordered, missing, extra or odd values. */
function element(fields: readonly string[], dateField: string) {
  return fc
    .record({
      values: fc.tuple(...fields.map((field) => (field === dateField ? date : text))),
      odd: fc.option(fc.tuple(fc.integer({ min: 0, max: fields.length - 1 }), odd), { freq: 4 }),
      extra: fc.option(fc.tuple(fc.string(), text), { freq: 5 }),
      reversed: fc.boolean(),
      form: fc.constantFrom('compact', 'php', 'pretty', 'duplicate'),
    })
    .map(({ values, odd: oddValue, extra, reversed, form }) => {
      const entries: [string, unknown][] = fields.map((field, index) => [field, values[index]]);
      if (oddValue) entries[oddValue[0]]![1] = oddValue[1];
      if (extra) entries.push(extra);
      if (reversed) entries.reverse();
      const json = JSON.stringify(Object.fromEntries(entries));
      if (form === 'php') return phpStyle(json);
      if (form === 'pretty') return JSON.stringify(JSON.parse(json), null, 1);
      // A duplicate key: JSON.parse keeps the last value.
      if (form === 'duplicate') return `{"${fields[0]}":"first",${json.slice(1)}`;
      return json;
    });
}

describe('record codec: the fast path writes what the general path writes', () => {
  it('transfers', () => {
    const general = (raw: RawRecord, offsets: OffsetFormatter) =>
      shapeRecord(raw, TRANSFER_FIELDS, 'date', offsets);
    fc.assert(
      fc.property(element(TRANSFER_FIELDS, 'date'), fc.constantFrom(...zones), (text, offsets) => {
        expect(actual(transfers, text, offsets)).toEqual(expected(text, general, offsets));
      }),
      { numRuns: 2000 },
    );
  });

  it('transfers, many elements of one batch in a row (values and twins kept per record)', () => {
    const general = (raw: RawRecord, offsets: OffsetFormatter) =>
      shapeRecord(raw, TRANSFER_FIELDS, 'date', offsets);
    // Runs of one second, as bodies have them, so that cached twins are reused and then left.
    const run = fc
      .tuple(element(TRANSFER_FIELDS, 'date'), fc.integer({ min: 1, max: 4 }))
      .map(([text, copies]) => Array.from({ length: copies }, () => text));
    fc.assert(
      fc.property(fc.array(run, { maxLength: 12 }), fc.constantFrom(...zones), (runs, offsets) => {
        const texts = runs.flat();
        const batch = transfers.decode(elementsBatch(texts));
        texts.forEach((text, index) => {
          const shaped = transfers.shape(batch, index, offsets);
          const written = { json: writtenJson(transfers, shaped), id: idOfKey(shaped.key) };
          expect(written).toEqual(expected(text, general, offsets));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('transfers, read by the element reader as the body streams in chunks cut anywhere', async () => {
    const general = (raw: RawRecord, offsets: OffsetFormatter) =>
      shapeRecord(raw, TRANSFER_FIELDS, 'date', offsets);
    const run = fc
      .tuple(element(TRANSFER_FIELDS, 'date'), fc.integer({ min: 1, max: 3 }))
      .map(([text, copies]) => Array.from({ length: copies }, () => text));
    let readByReader = 0;
    let elements = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(run, { minLength: 1, maxLength: 10 }),
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(...zones),
        async (runs, cuts, offsets) => {
          const texts = runs.flat();
          const body = Buffer.from(`{"code":200,"msg":"ok","data":[${texts.join(',')}]}`, 'utf8');
          const chunks: Buffer[] = [];
          for (let at = 0, cut = 0; at < body.length; cut++) {
            const size = cuts[cut % cuts.length]!;
            chunks.push(body.subarray(at, at + size));
            at += size;
          }
          const reader = transfers.decode.elementReader!();
          const written: { json: string; id: string }[] = [];
          // Threshold 0: each chunk's elements go out as their own batch, with what the reader read.
          for await (const batch of bodyElements(asyncChunks(chunks), { streamingThreshold: 0, reader })) {
            if (batch.kind === 'utf8' && batch.readings !== undefined)
              readByReader += batch.starts.filter(
                (_, k) => (batch.readings as { keys: unknown[] }).keys[k],
              ).length;
            const decoded = transfers.decode(batch);
            for (let index = 0; index < decoded.length; index++) {
              const shaped = transfers.shape(decoded, index, offsets);
              written.push({ json: writtenJson(transfers, shaped), id: idOfKey(shaped.key) });
            }
          }
          elements += texts.length;
          expect(written).toEqual(texts.map((text) => expected(text, general, offsets)));
        },
      ),
      { numRuns: 300 },
    );
    // Generated elements are mostly not compact and flat, and chunks are small: some were still read.
    expect(readByReader).toBeGreaterThan(0);
    expect(readByReader).toBeLessThan(elements);
  });

  it('the element reader reads every compact flat element that lies whole in a chunk', async () => {
    const texts = Array.from({ length: 50 }, (_, k) =>
      JSON.stringify(Object.fromEntries(TRANSFER_FIELDS.map((field) => [field, `${field} ${k} "é"`]))),
    );
    const body = Buffer.from(`{"code":200,"data":[${texts.join(',')}]}`, 'utf8');
    const chunkBytes = 1000;
    const chunks = Array.from({ length: Math.ceil(body.length / chunkBytes) }, (_, c) =>
      body.subarray(c * chunkBytes, (c + 1) * chunkBytes),
    );
    // Where each element lies in the body, by the test's own count.
    let at = body.indexOf('[') + 1;
    const whole = texts.filter((text) => {
      const start = at;
      at += Buffer.byteLength(text) + 1;
      return Math.floor(start / chunkBytes) === Math.floor((at - 2) / chunkBytes);
    }).length;
    const reader = transfers.decode.elementReader!();
    let read = 0;
    const ids: string[] = [];
    for await (const batch of bodyElements(asyncChunks(chunks), { streamingThreshold: 0, reader })) {
      if (batch.kind === 'utf8') read += (batch.readings as { keys: unknown[] }).keys.filter(Boolean).length;
      const decoded = transfers.decode(batch);
      for (let index = 0; index < decoded.length; index++)
        ids.push(idOfKey(transfers.shape(decoded, index, zones[0]!).key));
    }
    expect(read).toBe(whole);
    expect(whole).toBeGreaterThan(25);
    expect(ids).toEqual(texts.map((text) => actual(transfers, text, zones[0]!).id));
  });

  it('an element with an escape JSON does not allow is refused as invalid JSON, read by the reader or not', async () => {
    const good = JSON.stringify(Object.fromEntries(TRANSFER_FIELDS.map((field) => [field, 'x'])));
    const bad = good.replace('"conn_id":"x"', '"conn_id":"\\q"');
    const body = Buffer.from(`{"code":200,"data":[${good},${bad}]}`, 'utf8');
    for (const reader of [transfers.decode.elementReader!(), undefined]) {
      const batches: ElementBatch[] = [];
      for await (const batch of bodyElements(asyncChunks([body]), { streamingThreshold: 0, reader }))
        batches.push(batch);
      expect(batches).toHaveLength(1);
      expect(() => transfers.decode(batches[0]!)).toThrow(SyntaxError);
    }
  });

  it('an event report with a partition and several timestamps', () => {
    const config = syncConfig({ skillIds: ['12'] });
    const stream = sourceStreams(config).find(
      (candidate) =>
        candidate.definition?.kind === 'event' &&
        candidate.definition.parameter === 'skill_id' &&
        Object.keys(candidate.definition.nestedArrays).length === 0,
    )!;
    const definition = stream.definition!;
    const partition = stream.partitions[0]!;
    const event = eventPartitionStream(stream, partition, () => undefined);
    const general = (raw: RawRecord, offsets: OffsetFormatter) =>
      shapeReportEvent(raw, definition, offsets, partition.value);
    fc.assert(
      fc.property(
        element(definition.fields, definition.timestampField ?? ''),
        fc.constantFrom(...zones),
        (text, offsets) => {
          expect(actual(event, text, offsets)).toEqual(expected(text, general, offsets));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('every event report of the catalog, on a documented example row', () => {
    const config = syncConfig({ skillIds: ['7'], agentIds: ['1001'] });
    for (const stream of sourceStreams(config)) {
      const definition = stream.definition;
      if (definition?.kind !== 'event') continue;
      const partition = stream.partitions[0]!;
      const event = eventPartitionStream(stream, partition, () => undefined);
      const row = Object.fromEntries(
        definition.fields.map((field) => [
          field,
          field === definition.timestampField ? '2026-03-02 10:00:00' : `v ${field}`,
        ]),
      );
      const text = JSON.stringify(row);
      const general = (raw: RawRecord, offsets: OffsetFormatter) =>
        shapeReportEvent(raw, definition, offsets, partition.value);
      expect(actual(event, text, zones[0]!), stream.name).toEqual(expected(text, general, zones[0]!));
    }
    expect(REPORT_DEFINITIONS.length).toBeGreaterThan(100);
  });

  it('refuses exactly what JSON.parse refuses, with a SyntaxError', () => {
    const valid = JSON.stringify(Object.fromEntries(TRANSFER_FIELDS.map((field) => [field, 'x'])));
    const broken = [
      valid.replace('"x"', '"x\ny"'), // a raw control character inside a string
      valid.replace('"x"', '"\\x"'), // an invalid escape
      valid.replace('"x"', '"\\u12"'),
      valid.replace('"x"', '"x\\"'), // an escaped closing quote: the string runs on
      `${valid.slice(0, -1)},}`,
      valid.replace(':"x"', ':"x" "y"'),
    ];
    for (const text of broken) {
      expect((): unknown => JSON.parse(text), text).toThrow(SyntaxError);
      expect(() => transfers.decode(elementsBatch([text])), text).toThrow(SyntaxError);
    }
    fc.assert(
      fc.property(element(TRANSFER_FIELDS, 'date'), fc.nat(), (text, cut) => {
        const truncated = text.slice(0, cut % text.length);
        let parsed = true;
        try {
          JSON.parse(truncated);
        } catch {
          parsed = false;
        }
        if (parsed) return;
        expect(() => transfers.decode(elementsBatch([truncated]))).toThrow(SyntaxError);
      }),
      { numRuns: 1000 },
    );
  });
});
