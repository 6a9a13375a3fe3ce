import { readFileSync } from 'node:fs';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { factsOf, REPORT_FACTS } from '../../test-support/report-facts.js';
import { buildReportCatalog, renderStreamsDoc } from './report-catalog.js';
import { EXCLUDED_REPORTS, REPORT_DEFINITIONS } from './report-definitions.js';
import { REPORT_OVERRIDES } from './report-overrides.js';
import { TRANSFER_FIELDS, transfers } from './transfers.js';

const byReport = new Map(REPORT_DEFINITIONS.map((definition) => [definition.report, definition]));

function definitionOf(report: string) {
  const definition = byReport.get(report);
  if (!definition) throw new Error(`no definition for ${report}`);
  return definition;
}

describe('report definitions against the facts file', () => {
  it('are what the generator builds from the facts and the overrides (run `npm run generate:streams`)', () => {
    const catalog = buildReportCatalog(REPORT_FACTS, REPORT_OVERRIDES);
    expect(REPORT_DEFINITIONS).toEqual(catalog.definitions);
    expect(EXCLUDED_REPORTS).toEqual(catalog.excluded);
  });

  it('cover every report of the facts file once, or exclude it with a reason', () => {
    expect(REPORT_FACTS).toHaveLength(104);
    for (const facts of REPORT_FACTS) {
      const defined = byReport.has(facts.api);
      const excluded = EXCLUDED_REPORTS.filter((report) => report.report === facts.api);
      expect(Number(defined) + excluded.length, facts.api).toBe(1);
      for (const report of excluded) expect(report.reason.length, facts.api).toBeGreaterThan(20);
    }
    expect(REPORT_DEFINITIONS).toHaveLength(103);
    expect(EXCLUDED_REPORTS.map((report) => [report.report, report.parameter])).toEqual([
      ['diagram_1', 'customer_id'],
    ]);
  });

  it('declare every documented field and every example key, and the nested arrays of the examples', () => {
    for (const facts of REPORT_FACTS.filter((entry) => byReport.has(entry.api))) {
      const definition = definitionOf(facts.api);
      for (const field of facts.documented_fields) expect(definition.fields, facts.api).toContain(field.name);
      for (const key of facts.example_keys ?? []) expect(definition.fields, facts.api).toContain(key);
      expect(definition.nestedArrays, facts.api).toEqual(facts.nested_in_example ?? {});
      expect(new Set(definition.fields).size, facts.api).toBe(definition.fields.length);
    }
    // The documented mismatches are declared both ways.
    expect(definitionOf('chat_13').fields).toEqual(['channel', 'interaction', 'chanel']);
    expect(definitionOf('cdr_11').fields).toContain('name_agent');
    expect(definitionOf('cdr_11').fields).toContain('agent_name');
    expect(definitionOf('diagram_5').fields.slice(-10)).toEqual(
      ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10'].map((n) => `q${n}`),
    );
  });

  it('have unique English snake_case stream names, transfers staying the chat_9 stream', () => {
    const names = REPORT_DEFINITIONS.map((definition) => definition.stream);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
    const chat9 = definitionOf('chat_9');
    expect(chat9).toMatchObject({
      stream: transfers.name,
      kind: 'event',
      fields: [...TRANSFER_FIELDS],
      timestampField: 'date',
      cursorField: transfers.cursorField,
      primaryKey: transfers.primaryKey,
    });
  });

  it('describe each stream starting with its report id and a colon', () => {
    for (const definition of REPORT_DEFINITIONS) {
      expect(definition.description.startsWith(`${definition.report}: `)).toBe(true);
      expect(definition.description).toContain(factsOf(definition.report).title_es);
    }
  });

  it('take the kind suggested by the facts unless an override says why not', () => {
    const suggested = {
      event: 'event',
      'time-bucketed aggregate': 'time_bucketed',
      'range aggregate': 'range_aggregate',
    };
    const changed = REPORT_DEFINITIONS.filter(
      (definition) => suggested[factsOf(definition.report).kind_suggested] !== definition.kind,
    );
    expect(changed.map((definition) => [definition.report, definition.kind])).toEqual([
      ['agent_5', 'range_aggregate'],
    ]);
    for (const definition of changed) expect(REPORT_OVERRIDES[definition.report]?.kind?.reason).toBeTruthy();
    expect(REPORT_DEFINITIONS.filter((definition) => definition.kind === 'event')).toHaveLength(45);
  });

  it('give events their row timestamp from the facts note, aggregates report_date and group fields', () => {
    expect(definitionOf('agent_2')).toMatchObject({
      timestampField: 'date_ini',
      timestampFields: ['date_ini', 'date_end'],
      cursorField: ['date_ini'],
      parameter: 'agent_id',
      primaryKey: [['id'], ['requested_agent_id']],
    });
    expect(definitionOf('diagram_11')).toMatchObject({
      timestampField: 'end_date_rp',
      cursorField: ['end_date_rp'],
    });
    expect(definitionOf('chat_2')).toMatchObject({
      timestampField: 'date',
      timestampNestedIn: 'conversation',
    });
    expect(definitionOf('skill_7')).toMatchObject({
      kind: 'time_bucketed',
      bucketFields: ['date', 'hour'],
      bucketUnit: 'hour',
      primaryKey: [['report_date'], ['bucket'], ['skill_id'], ['requested_skill_id']],
      cursorField: ['report_date'],
    });
    expect(definitionOf('act_5')).toMatchObject({
      kind: 'range_aggregate',
      parameter: 'cod_act',
      primaryKey: [['report_date'], ['cod_act'], ['requested_cod_act']],
    });
    expect(definitionOf('campaign_6').parameter).toBe('campaign_id');
    expect(definitionOf('chat_4').parameter).toBe('none');
  });

  it('docs/streams.md is what the generator writes', async () => {
    const path = new URL('../../docs/streams.md', import.meta.url);
    const catalog = buildReportCatalog(REPORT_FACTS, REPORT_OVERRIDES);
    const options = await prettier.resolveConfig(path);
    const expected = await prettier.format(renderStreamsDoc(catalog, REPORT_FACTS, REPORT_OVERRIDES), {
      ...options,
      parser: 'markdown',
    });
    const committed = readFileSync(path, 'utf8');
    expect(committed).toBe(expected);
    for (const definition of REPORT_DEFINITIONS) expect(committed).toContain(`| \`${definition.stream}\``);
    expect(committed).toMatch(
      /\| `agent_5` +\| time-bucketed aggregate +\| range aggregate +\| The top-level row/,
    );
  });
});

describe('buildReportCatalog refuses what does not fit', () => {
  const facts = [factsOf('agent_1'), factsOf('chat_9')];
  const overrides = { agent_1: REPORT_OVERRIDES.agent_1!, chat_9: REPORT_OVERRIDES.chat_9! };

  it('a report without an override, and an override without a report', () => {
    expect(() => buildReportCatalog(facts, { chat_9: overrides.chat_9 })).toThrow('agent_1: no entry');
    expect(() => buildReportCatalog([factsOf('chat_9')], overrides)).toThrow(
      'not in the facts file: agent_1',
    );
  });

  it('group or bucket fields that are not fields, a clash of names, a name not in snake_case', () => {
    expect(() =>
      buildReportCatalog(facts, { ...overrides, agent_1: { ...overrides.agent_1, group: ['agent'] } }),
    ).toThrow('agent_1: group agent is not a field');
    expect(() =>
      buildReportCatalog(facts, {
        ...overrides,
        agent_1: { ...overrides.agent_1, bucket: { fields: ['hour'], unit: 'hour' } },
      }),
    ).toThrow('has a bucket but is not time-bucketed; bucket hour is not a field');
    expect(() =>
      buildReportCatalog(facts, { ...overrides, agent_1: { ...overrides.agent_1, stream: 'transfers' } }),
    ).toThrow('used twice: transfers');
    expect(() =>
      buildReportCatalog(facts, { ...overrides, agent_1: { ...overrides.agent_1, stream: 'AgentTime' } }),
    ).toThrow('not in snake_case: AgentTime');
  });
});
