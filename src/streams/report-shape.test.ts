import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { factsOf } from '../../test-support/report-facts.js';
import { OffsetFormatter } from '../time/zone.js';
import type { ReportDefinition } from './report-definition.js';
import { REPORT_DEFINITIONS } from './report-definitions.js';
import { reportSchema } from './report-schema.js';
import { shapeReportAggregate, shapeReportEvent } from './report-shape.js';

const offsets = new OffsetFormatter('America/Bogota');
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
// Airbyte's record checks read `date-time` as ISO 8601 with an optional offset: a
// timestamp_without_timezone value ("2026-03-08T10:15:00") has none. ajv-formats requires one.
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})?$/);

function definitionOf(report: string): ReportDefinition {
  const definition = REPORT_DEFINITIONS.find((entry) => entry.report === report);
  if (!definition) throw new Error(`no definition for ${report}`);
  return definition;
}

const WHEN = '2026-03-08 10:15:00';

/** A row as the documentation's example shows it: its keys (or the documented fields), test values. */
function exampleRow(report: string): Record<string, unknown> {
  const facts = factsOf(report);
  const keys = facts.example_keys ?? facts.documented_fields.map((field) => field.name);
  const valueOf = (key: string) => (/date|last_update/.test(key) ? WHEN : `${key} value`);
  return Object.fromEntries(
    keys.map((key): [string, unknown] => {
      const itemKeys = facts.nested_in_example?.[key];
      if (itemKeys) return [key, [Object.fromEntries(itemKeys.map((item) => [item, valueOf(item)]))]];
      return [key, valueOf(key)];
    }),
  );
}

function sha32(values: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 32);
}

describe('shapeReportEvent', () => {
  it('keeps the fields, hashes them in declared order and adds typed twins (agent_2 example row)', () => {
    const definition = definitionOf('agent_2');
    const raw = { ...exampleRow('agent_2'), date_end: '2026-03-08 10:17:30' };
    const shaped = shapeReportEvent(raw, definition, offsets, '1042');
    const documented = factsOf('agent_2').documented_fields.map((field) => field.name);
    expect(shaped.id).toBe(sha32(documented.map((field) => raw[field as keyof typeof raw])));
    expect(shaped.record).toEqual({
      id: shaped.id,
      requested_agent_id: '1042',
      ...raw,
      date_ini_at: '2026-03-08T10:15:00-05:00',
      date_ini_local: '2026-03-08T10:15:00',
      date_end_at: '2026-03-08T10:17:30-05:00',
      date_end_local: '2026-03-08T10:17:30',
    });
    expect(shaped).toMatchObject({ cursor: WHEN, anomaly: undefined, undeclared: [] });
    // A primary-key field is never null, even when the caller has no partition value.
    expect(shapeReportEvent(raw, definition, offsets).record.requested_agent_id).toBe('');
    expect(shaped.cursorSeconds).toBe(Date.UTC(2026, 2, 8, 10, 15, 0) / 1000);
  });

  it('passes undeclared fields through unchanged and names them; converts non-strings of declared ones', () => {
    const definition = definitionOf('cdr_3');
    const raw = { ...exampleRow('cdr_3'), agent_id: 1042, sentiment: { score: 0.8 }, tags: ['a'] };
    const shaped = shapeReportEvent(raw, definition, offsets);
    expect(shaped.record.agent_id).toBe('1042');
    expect(shaped.record.sentiment).toBe(raw.sentiment);
    expect(shaped.record.tags).toBe(raw.tags);
    expect(shaped.undeclared).toEqual(['sentiment', 'tags']);
  });

  it('reports a missing or unreadable row timestamp, with null twins', () => {
    const definition = definitionOf('cdr_5');
    const missing = shapeReportEvent({ conn_id: '9' }, definition, offsets);
    expect(missing).toMatchObject({ anomaly: 'missing date', cursor: undefined, cursorSeconds: undefined });
    expect(missing.record).toMatchObject({ date: null, date_at: null, date_local: null, conn_id: '9' });
    const unreadable = shapeReportEvent({ date: '-' }, definition, offsets);
    expect(unreadable.anomaly).toBe('unreadable date "-"');
  });

  it('takes chat_2 row time from the earliest message when the row has no date', () => {
    const raw = {
      conn_id: '77',
      conversation: [
        { from: 'cliente', date: '2026-03-08 10:20:00', message: 'Hola' },
        { from: 'agente', date: '2026-03-08 10:19:59', message: '¿Cómo le ayudo?' },
      ],
    };
    const shaped = shapeReportEvent(raw, definitionOf('chat_2'), offsets);
    expect(shaped.cursor).toBe('2026-03-08 10:19:59');
    expect(shaped.record).toMatchObject({
      date: '2026-03-08 10:19:59',
      date_at: '2026-03-08T10:19:59-05:00',
    });
    expect(shaped.record.conversation).toEqual(raw.conversation);
  });

  it('fills a documented field from the key the API sends instead (cdr_11 name_agent)', () => {
    const raw = exampleRow('cdr_11');
    const shaped = shapeReportEvent(raw, definitionOf('cdr_11'), offsets);
    expect(shaped.record).toMatchObject({ agent_name: 'name_agent value', name_agent: 'name_agent value' });
    expect(shaped.id).toBe(sha32(definitionOf('cdr_11').fields.map((field) => raw[field] ?? null)));
  });
});

describe('shapeReportAggregate', () => {
  it('adds report_date, the bucket and the partition (skill_7 row)', () => {
    const raw = { ...exampleRow('skill_7'), date: '2026-03-08', hour: '10:00' };
    const shaped = shapeReportAggregate(raw, definitionOf('skill_7'), '2026-03-08', '101');
    expect(shaped.record).toEqual({
      report_date: '2026-03-08',
      bucket: '2026-03-08 10:00',
      requested_skill_id: '101',
      ...raw,
    });
    expect(shaped.undeclared).toEqual([]);
  });

  it('keeps an API field named like one the connector adds as api_<name>; the connector keeps its own', () => {
    const raw = {
      ...exampleRow('skill_7'),
      date: '2026-03-08',
      hour: '10:00',
      report_date: '1999-01-01',
      bucket: 'zz',
      requested_skill_id: '999',
    };
    const shaped = shapeReportAggregate(raw, definitionOf('skill_7'), '2026-03-08', '101');
    expect(shaped.record).toMatchObject({
      report_date: '2026-03-08',
      bucket: '2026-03-08 10:00',
      requested_skill_id: '101',
      api_report_date: '1999-01-01',
      api_bucket: 'zz',
      api_requested_skill_id: '999',
    });
    expect(shaped.undeclared).toEqual(['api_report_date', 'api_bucket', 'api_requested_skill_id']);
    const event = shapeReportEvent({ ...exampleRow('cdr_3'), id: 'api-id' }, definitionOf('cdr_3'), offsets);
    expect(event.record.id).toMatch(/^[0-9a-f]{32}$/);
    expect(event.record.api_id).toBe('api-id');
  });

  it('never leaves a key field null: the alias fills it, or it becomes ""', () => {
    const chat13 = shapeReportAggregate(
      { chanel: 'whatsapp', interaction: 3 },
      definitionOf('chat_13'),
      '2026-03-08',
    );
    expect(chat13.record).toEqual({
      report_date: '2026-03-08',
      channel: 'whatsapp',
      interaction: '3',
      chanel: 'whatsapp',
    });
    const cdr4 = shapeReportAggregate(
      { '0_5_seg': { calls: 4, minutes: '0.3', cost: '0', percentage: '10' } },
      definitionOf('cdr_4'),
      '2026-03-08',
    );
    expect(cdr4.record).toMatchObject({
      INTERVAL: '',
      '0_5_seg': [{ calls: '4', minutes: '0.3', cost: '0', percentage: '10' }],
      '6_20_seg': null,
    });
    const dayAlias = shapeReportAggregate(
      { day: '2026-03-08', calls: '5' },
      definitionOf('diagram_1_2'),
      '2026-03-08',
    );
    expect(dayAlias.record).toMatchObject({ bucket: '2026-03-08', date: '2026-03-08', day: '2026-03-08' });
  });
});

describe('report schemas', () => {
  it('are valid draft-07, describe their report, and accept the shaped example row of every report', () => {
    for (const definition of REPORT_DEFINITIONS) {
      const schema = reportSchema(definition);
      expect(ajv.validateSchema(schema), definition.report).toBe(true);
      expect(String(schema.description).startsWith(`${definition.report}: `)).toBe(true);
      const validate = ajv.compile(schema);
      const raw = { ...exampleRow(definition.report), not_in_the_docs: 5 };
      const shaped =
        definition.kind === 'event'
          ? shapeReportEvent(raw, definition, offsets, 'all').record
          : shapeReportAggregate(raw, definition, '2026-03-08', 'all').record;
      expect(validate(shaped), `${definition.report}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      for (const path of [...definition.primaryKey, definition.cursorField]) {
        expect(Object.keys(schema.properties as object), definition.report).toContain(path[0]);
        expect(shaped[path[0] as string], `${definition.report} ${path[0]}`).not.toBeNull();
      }
    }
  });

  it('type event timestamps with both airbyte types and nested arrays as arrays of objects', () => {
    const properties = reportSchema(definitionOf('chat_2')).properties as Record<
      string,
      Record<string, unknown>
    >;
    expect(properties.date_at).toMatchObject({
      format: 'date-time',
      airbyte_type: 'timestamp_with_timezone',
    });
    expect(properties.date_local).toMatchObject({
      format: 'date-time',
      airbyte_type: 'timestamp_without_timezone',
    });
    expect(properties.conversation).toMatchObject({
      type: ['null', 'array'],
      items: { type: 'object', additionalProperties: true },
    });
    expect(properties.id).toEqual(expect.objectContaining({ type: 'string' }));
    const aggregate = reportSchema(definitionOf('skill_4')).properties as Record<string, unknown>;
    expect(aggregate).toMatchObject({
      report_date: { type: 'string', format: 'date' },
      bucket: { type: 'string' },
      requested_skill_id: { type: 'string' },
    });
    expect(aggregate).not.toHaveProperty('id');
  });
});
