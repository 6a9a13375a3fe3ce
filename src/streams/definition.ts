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
 * A stream is data, not a subclass: a Reports Manager report plus how its records are shaped.
 * Adding `chat_11` later is one more definition and one more schema file.
 */
export interface StreamDefinition {
  name: string;
  /** The Reports Manager `api` parameter. */
  report: string;
  /** File in schemas/ holding the record JSON schema. */
  schemaFile: string;
  primaryKey: string[][];
  cursorField: string[];
  transform(raw: RawRecord, offsets: OffsetFormatter): TransformResult;
}
