import { parseLocal } from '../time/local-time.js';
import type { OffsetFormatter } from '../time/zone.js';
import type { RawRecord } from '../wolkvox/types.js';
import type { TransformResult } from './definition.js';
import { asText, contentId } from './record-shape.js';
import { partitionField, type ReportDefinition } from './report-definition.js';
import { timestampTwins } from './report-schema.js';

/** A shaped record of any report, with the names of the fields it carried that the schema does not declare. */
export interface ShapedReportRecord {
  record: Record<string, unknown>;
  /** Undeclared top-level fields, passed through unchanged; empty for most records. */
  undeclared: readonly string[];
}

/**
 * An event report's record: also its content id and cursor, as the transfers stream gives them;
 * `anomaly` says why the row could not be placed in time, if it could not.
 */
export type ShapedReportEvent = ShapedReportRecord & TransformResult;

/** What is derived once per definition and reused for every record. */
interface ShapePlan {
  declared: Set<string>;
  /** Fields the connector adds (id, report_date, bucket, the partition, timestamp twins). */
  added: Set<string>;
  partition: string | null;
  twins: { field: string; withOffset: string; local: string }[];
}

const plans = new WeakMap<ReportDefinition, ShapePlan>();
const NONE: readonly string[] = [];

function planOf(definition: ReportDefinition): ShapePlan {
  let plan = plans.get(definition);
  if (!plan) {
    const partition = partitionField(definition.parameter);
    const twins = definition.timestampFields.map((field) => ({ field, ...timestampTwins(field) }));
    const added = new Set([
      'id',
      'report_date',
      'bucket',
      ...twins.flatMap((twin) => [twin.withOffset, twin.local]),
    ]);
    if (partition !== null) added.add(partition);
    plan = { declared: new Set(definition.fields), added, partition, twins };
    plans.set(definition, plan);
  }
  return plan;
}

/** A nested array as arrays of objects: a single object becomes a one-item list; item values as strings. */
function nestedItems(value: unknown, itemKeys: readonly string[]): unknown {
  if (value === null || value === undefined) return null;
  const items: unknown[] = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    const copy: Record<string, unknown> = { ...(item as Record<string, unknown>) };
    for (const key of itemKeys) if (key in copy) copy[key] = asText(copy[key]);
    return copy;
  });
}

/**
 * The declared fields into `record` (strings; nested arrays as arrays of objects; a field the API
 * left out filled from its documented alias), then the undeclared fields unchanged; one named like a
 * field the connector adds (`id`, `report_date`, …) is kept as `api_<name>`, so neither overwrites the
 * other. Returns the names the undeclared fields got.
 */
function copyFields(
  raw: RawRecord,
  definition: ReportDefinition,
  plan: ShapePlan,
  record: Record<string, unknown>,
) {
  for (const field of definition.fields) {
    const itemKeys = definition.nestedArrays[field];
    let value = raw[field];
    if (value === undefined) {
      const alias = definition.aliases[field];
      if (alias !== undefined) value = raw[alias];
    }
    record[field] = itemKeys ? nestedItems(value, itemKeys) : asText(value);
  }
  let undeclared: string[] | undefined;
  for (const key of Object.keys(raw)) {
    if (plan.declared.has(key)) continue;
    const name = plan.added.has(key) ? `api_${key}` : key;
    record[name] = raw[key];
    (undeclared ??= []).push(name);
  }
  return undeclared ?? NONE;
}

/** The earliest "YYYY-MM-DD HH:MM:SS" among the items' `field` (chat_2's messages). */
function earliestNested(items: unknown, field: string): string | undefined {
  if (!Array.isArray(items)) return undefined;
  let earliest: { text: string; seconds: number } | undefined;
  for (const item of items as unknown[]) {
    const text =
      item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[field] : undefined;
    const seconds = typeof text === 'string' ? parseLocal(text) : undefined;
    if (seconds !== undefined && (earliest === undefined || seconds < earliest.seconds))
      earliest = { text: text as string, seconds };
  }
  return earliest?.text;
}

/**
 * Shapes one row of an event report: `id` (first 32 hex digits of SHA-256 over the declared
 * fields' raw values as text, in declared order), the partition value when the report has a
 * parameter, the declared fields as strings, undeclared fields unchanged, and for each timestamp
 * field a `<field>_at` (ISO 8601 with the zone's offset) and `<field>_local` (ISO 8601 without
 * offset) twin, null when the value is not a "YYYY-MM-DD[ HH:MM:SS]" local time. Without a top-level
 * timestamp (chat_2), the earliest nested one is copied into it. `anomaly` says when the row
 * timestamp is missing or unreadable. Throws nothing.
 */
export function shapeReportEvent(
  raw: RawRecord,
  definition: ReportDefinition,
  offsets: OffsetFormatter,
  partitionValue?: string,
): ShapedReportEvent {
  const plan = planOf(definition);
  const record: Record<string, unknown> = { id: '' };
  if (plan.partition !== null) record[plan.partition] = partitionValue ?? '';
  const undeclared = copyFields(raw, definition, plan, record);
  const id = contentId(definition.fields.map((field) => asText(raw[field])));
  record.id = id;
  const field = definition.timestampField ?? '';
  if (record[field] === null && definition.timestampNestedIn !== null)
    record[field] = earliestNested(record[definition.timestampNestedIn], field) ?? null;
  const cursorText = record[field];
  const cursor = typeof cursorText === 'string' ? cursorText : undefined;
  const cursorSeconds = cursor === undefined ? undefined : parseLocal(cursor);
  let anomaly: string | undefined;
  if (cursor === undefined) anomaly = `missing ${field}`;
  else if (cursorSeconds === undefined) anomaly = `unreadable ${field} "${cursor}"`;
  for (const twin of plan.twins) {
    const text = record[twin.field];
    const local = typeof text === 'string' ? parseLocal(text) : undefined;
    const iso = local === undefined ? null : offsets.toIso(local, text as string);
    record[twin.withOffset] = iso;
    record[twin.local] = iso === null ? null : iso.slice(0, 19);
  }
  return { record, id, cursor, cursorSeconds, anomaly, undeclared };
}

/**
 * Shapes one row of an aggregate report read for the local day `reportDate` ("YYYY-MM-DD"):
 * `report_date`, for time-bucketed reports `bucket` (the bucket fields' values joined by a space),
 * the partition value when the report has a parameter, the declared fields as strings and
 * undeclared fields unchanged. Primary-key fields are never null: a group or bucket field the row
 * lacks becomes "". Throws nothing.
 */
export function shapeReportAggregate(
  raw: RawRecord,
  definition: ReportDefinition,
  reportDate: string,
  partitionValue?: string,
): ShapedReportRecord {
  const plan = planOf(definition);
  const record: Record<string, unknown> = { report_date: reportDate };
  if (definition.kind === 'time_bucketed') record.bucket = '';
  if (plan.partition !== null) record[plan.partition] = partitionValue ?? '';
  const undeclared = copyFields(raw, definition, plan, record);
  if (definition.kind === 'time_bucketed')
    record.bucket = definition.bucketFields.map((field) => (record[field] as string | null) ?? '').join(' ');
  for (const field of definition.groupFields) record[field] ??= '';
  return { record, undeclared };
}
