import { partitionField, type ReportDefinition } from './report-definition.js';

/** A JSON schema (draft-07) as a plain object. */
export type JsonSchema = Record<string, unknown>;

const TEXT = { type: ['null', 'string'] };

/** The names of an event field's typed twins: with the operation's offset, and wall clock without one. */
export function timestampTwins(field: string): { withOffset: string; local: string } {
  return { withOffset: `${field}_at`, local: `${field}_local` };
}

function nestedArraySchema(itemKeys: readonly string[]): JsonSchema {
  return {
    type: ['null', 'array'],
    items: {
      type: 'object',
      additionalProperties: true,
      properties: Object.fromEntries(itemKeys.map((key) => [key, TEXT])),
    },
  };
}

/**
 * The record schema of a report's stream, built from its definition: every declared field a
 * nullable string (documented types are unreliable), nested arrays as arrays of objects, the
 * connector's own fields (`id` for events; `report_date` and, when time-bucketed, `bucket` for
 * aggregates; `requested_<parameter>` for partitioned reports) and, for event timestamps, a
 * `<field>_at` twin (`timestamp_with_timezone`) and a `<field>_local` twin
 * (`timestamp_without_timezone`). `additionalProperties` is true: undeclared fields pass through.
 */
export function reportSchema(definition: ReportDefinition): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  if (definition.kind === 'event') {
    properties.id = {
      type: 'string',
      description:
        'Derived by the connector: the first 32 hex digits of SHA-256 over the declared fields as Wolkvox sent them, in declared order.',
    };
  } else {
    properties.report_date = {
      type: 'string',
      format: 'date',
      description: 'The operation-local calendar day the row was read for (one day per call).',
    };
    if (definition.kind === 'time_bucketed') {
      properties.bucket = {
        type: 'string',
        description: `The row's bucket (${definition.bucketUnit ?? ''}): ${definition.bucketFields.join(' + ')}, joined by a space.`,
      };
    }
  }
  const partition = partitionField(definition.parameter);
  if (partition !== null) {
    properties[partition] = {
      type: 'string',
      description: `The ${definition.parameter} value this row was read with (one partition per configured value).`,
    };
  }
  for (const field of definition.fields) {
    const itemKeys = definition.nestedArrays[field];
    properties[field] = itemKeys ? nestedArraySchema(itemKeys) : TEXT;
  }
  for (const field of definition.timestampFields) {
    const twins = timestampTwins(field);
    properties[twins.withOffset] = {
      type: ['null', 'string'],
      format: 'date-time',
      airbyte_type: 'timestamp_with_timezone',
      description: `\`${field}\` in ISO 8601 with the offset of the configured time zone.`,
    };
    properties[twins.local] = {
      type: ['null', 'string'],
      format: 'date-time',
      airbyte_type: 'timestamp_without_timezone',
      description: `\`${field}\` in ISO 8601 without offset (the operation's wall clock).`,
    };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    description: definition.description,
    additionalProperties: true,
    properties,
  };
}
