import { parseLocal } from '../time/local-time.js';
import { shapedRecord } from '../../test-support/shaped-record.js';
import { describe, expect, it } from 'vitest';
import { syncConfig } from '../../test-support/sync-config.js';
import { OffsetFormatter } from '../time/zone.js';
import { REPORT_DEFINITIONS } from './report-definitions.js';
import {
  eventPartitionStream,
  missingParameterOption,
  partitionLabel,
  sourceStreams,
  streamOfReport,
} from './source-streams.js';
import { transfers } from './transfers.js';

const names = (config = syncConfig()) => sourceStreams(config).map((stream) => stream.name);
const byParameter = (parameter: string) =>
  REPORT_DEFINITIONS.filter((definition) => definition.parameter === parameter).map(
    (definition) => definition.stream,
  );

describe('sourceStreams', () => {
  it('lists transfers and every report but chat_9, except those whose parameter has no configured value', () => {
    const defaults = names();
    expect(defaults[0]).toBe('transfers');
    expect(defaults.filter((name) => name === 'transfers')).toHaveLength(1);
    for (const name of [...byParameter('skill_id'), ...byParameter('agent_id')])
      expect(defaults).not.toContain(name);
    for (const name of [...byParameter('none'), ...byParameter('campaign_id'), ...byParameter('cod_act')])
      expect(defaults).toContain(name);
    const every = names(syncConfig({ skillIds: ['101'], agentIds: ['7'] }));
    // 103 definitions, chat_9 read by the hand-written transfers stream.
    expect(every).toHaveLength(REPORT_DEFINITIONS.length);
    expect(new Set(every).size).toBe(every.length);
    expect(names(syncConfig({ campaignIds: [] }))).not.toContain('campaign_final_results');
  });

  it('gives each partition its parameter: configured ids, campaign "all" by default, both activity-code groups', () => {
    const streams = sourceStreams(syncConfig({ skillIds: ['101', '102'] }));
    const partitions = (name: string) => streams.find((stream) => stream.name === name)!.partitions;
    expect(partitions('skill_service_level_by_hour')).toEqual([
      { value: '101', params: { skill_id: '101' } },
      { value: '102', params: { skill_id: '102' } },
    ]);
    expect(partitions('campaign_final_results')).toEqual([{ value: 'all', params: { campaign_id: 'all' } }]);
    expect(partitions('activity_codes').map((partition) => partition.params)).toEqual([
      { cod_act: 'cod_act1' },
      { cod_act: 'cod_act2' },
    ]);
    expect(partitions('agent_time_by_state')).toEqual([{ value: undefined, params: undefined }]);
    const stream = streams.find((entry) => entry.name === 'abandoned_calls')!;
    expect(partitionLabel(stream, stream.partitions[1]!)).toBe('abandoned_calls (skill_id 102)');
  });

  it('keeps the transfers schema file and its cursor and key; the others come from their definitions', () => {
    const [first, ...others] = sourceStreams(syncConfig());
    expect(first).toMatchObject({
      name: 'transfers',
      report: 'chat_9',
      cursorField: ['date'],
      primaryKey: [['id']],
    });
    expect((first!.jsonSchema.properties as Record<string, unknown>).transferred_at).toBeDefined();
    const agentTime = others.find((stream) => stream.name === 'agent_time_by_state')!;
    expect(agentTime).toMatchObject({
      report: 'agent_1',
      kind: 'range_aggregate',
      cursorField: ['report_date'],
    });
    expect(String(agentTime.jsonSchema.description)).toMatch(/^agent_1: /);
  });
});

describe('names and parameters', () => {
  it('says which option makes a stream appear, and which stream reads a report', () => {
    expect(missingParameterOption('abandoned_calls')).toBe('skill_ids');
    expect(missingParameterOption('agent_state_events_by_agent')).toBe('agent_ids');
    expect(missingParameterOption('campaign_final_results')).toBe('campaign_ids');
    expect(missingParameterOption('agent_time_by_state')).toBeUndefined();
    expect(missingParameterOption('no_such_stream')).toBeUndefined();
    expect(streamOfReport('chat_9')).toBe('transfers');
    expect(streamOfReport('skill_4')).toBe('skill_service_level_by_hour');
    expect(streamOfReport('nope_1')).toBe('nope_1');
  });
});

describe('eventPartitionStream', () => {
  it('is transfers itself for chat_9', () => {
    const stream = sourceStreams(syncConfig())[0]!;
    expect(eventPartitionStream(stream, stream.partitions[0]!, () => undefined)).toBe(transfers);
  });

  it('shapes with the partition value, queries with its parameter, and names undeclared fields', () => {
    const stream = sourceStreams(syncConfig({ skillIds: ['101'] })).find(
      (entry) => entry.name === 'abandoned_calls',
    )!;
    const heard: string[] = [];
    const definition = eventPartitionStream(stream, stream.partitions[0]!, (found) => heard.push(...found));
    expect(definition).toMatchObject({
      report: 'skill_2',
      params: { skill_id: '101' },
      name: 'abandoned_calls (skill_id 101)',
    });
    const shaped = shapedRecord(
      definition,
      { date: '2026-03-02 10:00:00', surprise: 'x' },
      new OffsetFormatter('America/Bogota'),
    );
    expect(shaped.record).toMatchObject({
      requested_skill_id: '101',
      surprise: 'x',
      date_at: '2026-03-02T10:00:00-05:00',
    });
    expect(shaped.cursorSeconds).toBe(parseLocal('2026-03-02 10:00:00'));
    expect(heard).toEqual(['surprise']);
  });

  it('refuses an aggregate stream', () => {
    const stream = sourceStreams(syncConfig()).find((entry) => entry.name === 'agent_time_by_state')!;
    expect(() => eventPartitionStream(stream, stream.partitions[0]!, () => undefined)).toThrow(
      /not an event stream/,
    );
  });
});
