import type { OffsetFormatter } from '../time/zone.js';
import type { RawRecord } from '../wolkvox/types.js';

/** What a transform reports about one API record besides the output record. */
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
  transform(raw: RawRecord, offsets: OffsetFormatter): TransformResult;
}
