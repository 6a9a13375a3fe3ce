import type { OffsetFormatter } from '../time/zone.js';
import type { RecordDecoder } from '../wolkvox/types.js';
import type { RecordWriter } from '../sync/output.js';
import type { DecodedBatch } from './record-codec.js';
import type { RecordKey } from './record-shape.js';

/** One record as the sync engine places it: its id and time (the stream's `write` writes it). */
export interface ShapedRecord {
  /** The content id, as bytes (the primary key; identical rows get occurrence ids from it, see occurrenceId). */
  readonly key: RecordKey;
  /** The cursor as LocalSeconds; undefined when absent or unreadable. */
  readonly cursorSeconds: number | undefined;
  /** Why the API record did not have the documented shape, if it did not. */
  readonly anomaly: string | undefined;
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
  /** The elements of a batch of `data`; run by the client as the body streams (record-codec.ts). */
  decode: RecordDecoder<DecodedBatch>;
  /** Element `index` of a decoded batch, shaped (valid until the next `shape`); run by the sync engine. */
  shape(batch: DecodedBatch, index: number, offsets: OffsetFormatter): ShapedRecord;
  /** Writes the data object of `record` (which `shape` gave) with the id of `key` as its id. */
  write(writer: RecordWriter, record: ShapedRecord, key: RecordKey): void;
}
