import type { ConnectorConfig } from '../config/config.js';
import { readSchemaFile } from '../config/spec.js';
import type { StreamDefinition } from './definition.js';
import { createRecordCodec, type FlatLayout } from './record-codec.js';
import {
  partitionField,
  type ReportDefinition,
  type ReportKind,
  type ReportParameter,
} from './report-definition.js';
import { REPORT_DEFINITIONS } from './report-definitions.js';
import { reportSchema, timestampTwins, type JsonSchema } from './report-schema.js';
import { shapeReportEvent } from './report-shape.js';
import { transfers } from './transfers.js';

/** One partition of a stream: the parameter value it is read with, or none for a report without one. */
export interface SourcePartition {
  /** The parameter value (e.g. skill "12"); undefined when the report has no parameter. */
  value: string | undefined;
  /** The query parameter sent with every call of the partition, e.g. `{ skill_id: "12" }`. */
  params: Readonly<Record<string, string>> | undefined;
}

/** A stream of this source as discover lists it and read reads it. */
export interface SourceStream {
  name: string;
  report: string;
  kind: ReportKind;
  jsonSchema: JsonSchema;
  primaryKey: string[][];
  cursorField: string[];
  /** The generic definition; undefined for `transfers` (hand-written, schemas/transfers.json). */
  definition: ReportDefinition | undefined;
  /** One per configured parameter value; one partition without a value when the report has no parameter. */
  partitions: readonly SourcePartition[];
}

/** chat_9: the hand-written `transfers` stream reads it; its generic twin is not a stream. */
const TRANSFERS_REPORT = transfers.report;

/** Both groups of activity codes; always read. */
const COD_ACT_GROUPS = ['cod_act1', 'cod_act2'];

/** The config option whose values partition the reports of each parameter. */
export const PARAMETER_OPTIONS: Readonly<Record<Exclude<ReportParameter, 'none' | 'cod_act'>, string>> = {
  skill_id: 'skill_ids',
  agent_id: 'agent_ids',
  campaign_id: 'campaign_ids',
};

/** The configured values of a report parameter (empty: the report's stream is absent); undefined for `none`. */
export function parameterValues(parameter: ReportParameter, config: ConnectorConfig): string[] | undefined {
  switch (parameter) {
    case 'none':
      return undefined;
    case 'skill_id':
      return config.skillIds;
    case 'agent_id':
      return config.agentIds;
    case 'campaign_id':
      return config.campaignIds;
    case 'cod_act':
      return COD_ACT_GROUPS;
  }
}

function partitionsOf(definition: ReportDefinition, config: ConnectorConfig): SourcePartition[] {
  const values = parameterValues(definition.parameter, config);
  if (values === undefined) return [{ value: undefined, params: undefined }];
  return values.map((value) => ({ value, params: { [definition.parameter]: value } }));
}

const transfersStream = (): SourceStream => ({
  name: transfers.name,
  report: transfers.report,
  kind: 'event',
  jsonSchema: readSchemaFile('transfers.json'),
  primaryKey: transfers.primaryKey,
  cursorField: transfers.cursorField,
  definition: undefined,
  partitions: [{ value: undefined, params: undefined }],
});

/**
 * Every stream the config makes available, in the order of the facts file after `transfers`: one per
 * report definition except chat_9 (read by `transfers`) and the reports whose parameter has no
 * configured value (`skill_ids`, `agent_ids` or `campaign_ids` empty). Throws nothing.
 */
export function sourceStreams(config: ConnectorConfig): SourceStream[] {
  const streams = [transfersStream()];
  for (const definition of REPORT_DEFINITIONS) {
    if (definition.report === TRANSFERS_REPORT) continue;
    const partitions = partitionsOf(definition, config);
    if (partitions.length === 0) continue;
    streams.push({
      name: definition.stream,
      report: definition.report,
      kind: definition.kind,
      jsonSchema: reportSchema(definition),
      primaryKey: definition.primaryKey,
      cursorField: definition.cursorField,
      definition,
      partitions,
    });
  }
  return streams;
}

/**
 * Why a stream name is not among `sourceStreams(config)`: the option to fill in when the stream
 * needs a parameter value the config does not have; undefined when no report has that stream name.
 */
export function missingParameterOption(name: string): string | undefined {
  const definition = REPORT_DEFINITIONS.find((entry) => entry.stream === name);
  if (definition === undefined || definition.parameter === 'none' || definition.parameter === 'cod_act')
    return undefined;
  return PARAMETER_OPTIONS[definition.parameter];
}

/** The stream that reads a report (the report id itself if no stream does), for logs and statuses. */
export function streamOfReport(report: string): string {
  if (report === TRANSFERS_REPORT) return transfers.name;
  return REPORT_DEFINITIONS.find((definition) => definition.report === report)?.stream ?? report;
}

/** The stream's name in messages: with the partition's parameter and value when it has one. */
export function partitionLabel(stream: SourceStream, partition: SourcePartition): string {
  const [entry] = Object.entries(partition.params ?? {});
  return entry === undefined ? stream.name : `${stream.name} (${entry[0]} ${entry[1]})`;
}

/**
 * The fast path's layout of an event report's records (see shapeReportEvent for the record): `id`,
 * the partition value, the fields as the API sends them, the timestamp twins. Off for reports whose
 * shaping does more than copy strings (nested arrays) or whose added names collide with a field.
 */
function eventLayout(definition: ReportDefinition, partitionValue: string | undefined): FlatLayout {
  const partition = partitionField(definition.parameter);
  const twins = definition.timestampFields.map((field) => ({ field, ...timestampTwins(field) }));
  const added = [
    'id',
    ...(partition === null ? [] : [partition]),
    ...twins.flatMap((twin) => [twin.withOffset, twin.local]),
  ];
  const collides =
    added.some((name) => definition.fields.includes(name)) || new Set(added).size !== added.length;
  return {
    fields: definition.fields,
    cursorField: definition.timestampField ?? '',
    nullEmpty: false,
    leadingMembers:
      partition === null ? '' : `,${JSON.stringify(partition)}:${JSON.stringify(partitionValue ?? '')}`,
    twins,
    fastPath: Object.keys(definition.nestedArrays).length === 0 && !collides,
  };
}

/**
 * The event sync engine's definition of one partition of an event stream: `transfers` itself, or a
 * report definition shaped by `shapeReportEvent` (cursor = its timestamp field, the partition value
 * in the record and the primary key). `onUndeclared` hears the names of fields a record carried that
 * the schema does not declare (the record keeps them). Throws when `stream` is not an event stream.
 */
export function eventPartitionStream(
  stream: SourceStream,
  partition: SourcePartition,
  onUndeclared: (names: readonly string[]) => void,
): StreamDefinition {
  const { definition } = stream;
  if (definition === undefined) return transfers;
  if (definition.kind !== 'event') throw new Error(`${stream.name} is not an event stream.`);
  const codec = createRecordCodec(eventLayout(definition, partition.value), (raw, offsets) => {
    const shaped = shapeReportEvent(raw, definition, offsets, partition.value);
    if (shaped.undeclared.length > 0) onUndeclared(shaped.undeclared);
    return shaped;
  });
  return {
    name: partitionLabel(stream, partition),
    report: stream.report,
    params: partition.params,
    primaryKey: stream.primaryKey,
    cursorField: stream.cursorField,
    decode: codec.decode,
    shape: codec.shape,
    write: codec.write,
  };
}
