import type { OffsetFormatter } from '../time/zone.js';
import type { RecordDecoder } from '../wolkvox/types.js';
import type { DecodedRow } from './record-codec.js';

/** One record as the sync engine writes it: its JSON text, id and time. */
export interface ShapedRecord {
  /** The content id (the primary key; identical rows get occurrence ids from it, see occurrenceId). */
  id: string;
  /**
   * The record's JSON members after `id`, each led by a comma: the record is
   * `{"id":"<id>"` + members + `}`, or head + `"id":"<id>"` + members + `}` when there is a head.
   */
  members: string;
  /**
   * The JSON text before the `id` member when it is not just `{`: JSON.stringify writes an
   * object's integer-like keys first (an undeclared API field named "0" comes before `id`).
   */
  head?: string | undefined;
  /** The cursor as LocalSeconds; undefined when absent or unreadable. */
  cursorSeconds: number | undefined;
  /** Why the API record did not have the documented shape, if it did not. */
  anomaly: string | undefined;
}

/** What a transform of a parsed API record gives (the general path of a RecordCodec). */
export interface TransformResult {
  record: Record<string, unknown>;
  /** Stable content id (the primary key). */
  id: string;
  /** The cursor value as the API gave it, when it is a string. */
  cursor: string | undefined;
  /** `cursor` as LocalSeconds; undefined when absent or unreadable. */
  cursorSeconds: number | undefined;
  /** Why the API record did not have the documented shape, if it did not. */
  anomaly: string | undefined;
}

/**
 * What the event sync engine (`syncStream`) reads: a Reports Manager report, the query parameter of
 * one partition if the report has one, and how its records are shaped. `transfers` is hand-written;
 * every other event report's definitions come from `eventPartitions` (source-streams.ts).
 */
export interface StreamDefinition {
  name: string;
  /** The Reports Manager `api` parameter. */
  report: string;
  /** The partition's query parameter, e.g. `{ skill_id: "12" }`; absent for reports without one. */
  params?: Readonly<Record<string, string>> | undefined;
  primaryKey: string[][];
  cursorField: string[];
  /** One element of `data`, from its JSON text; run by the client as the body streams (record-codec.ts). */
  decode: RecordDecoder<DecodedRow>;
  /** The record of a decoded element, run by the sync engine. */
  shape(row: DecodedRow, offsets: OffsetFormatter): ShapedRecord;
}
