import { hash } from 'node:crypto';
import { parseLocal } from '../time/local-time.js';
import type { OffsetFormatter } from '../time/zone.js';
import type { RawRecord } from '../wolkvox/types.js';
import type { TransformResult } from './definition.js';

/** A raw API value as a string: strings unchanged, null/undefined as null, objects as JSON, the rest by String(). */
export function asText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return null;
  return typeof value === 'object'
    ? JSON.stringify(value)
    : String(value as string | number | boolean | bigint);
}

/** The stable content id of a record: the first 32 hex digits of SHA-256 over the values as a JSON list. */
export function contentId(values: readonly (string | null)[]): string {
  return hash('sha256', JSON.stringify(values), 'hex').slice(0, 32);
}

/**
 * True for the texts Wolkvox sends where a value is absent: `""` (a transfer to a skill group has
 * `receiver_agent_id: ""`), only spaces or other whitespace, and `"-"`.
 * Ordinary values are decided on their first character, without trimming (this runs per field).
 */
export function isEmptyApiValue(text: string): boolean {
  if (text === '' || text === '-') return true;
  return text.charCodeAt(0) <= 32 && text.trim() === '';
}

/**
 * Shared shaping of Reports Manager records, the per-record hot path. The output record holds, in
 * this order: `id`, the API fields, `<cursor>` parsed twice (`transferred_at`: ISO 8601 with the
 * offset of the operation's zone; `transferred_at_local`: the same wall clock without offset), or
 * null for both when the cursor is absent or unreadable.
 *
 * - API fields are strings; anything else is converted to text and reported as an anomaly.
 * - An empty API value (`isEmptyApiValue`) becomes null in the output, for every API field but the
 *   cursor, which is kept as the API gave it.
 * - `id`: the first 32 hex digits of SHA-256 over the JSON array of the API fields' texts in
 *   `apiFields` order, BEFORE empty values become null, so ids stay those of every earlier version;
 *   two rows equal in every field share one id.
 *
 * Never throws for a malformed record; `anomaly` says what was wrong with it.
 */
export function shapeRecord(
  raw: RawRecord,
  apiFields: readonly string[],
  cursorField: string,
  offsets: OffsetFormatter,
): TransformResult {
  // Built in output order (id first, set once known): no spread copy, one hidden class per stream.
  const record: Record<string, unknown> = { id: '' };
  const values: (string | null)[] = [];
  let anomaly: string | undefined;
  for (const field of apiFields) {
    const value = raw[field];
    const text = asText(value);
    if (typeof value !== 'string')
      anomaly ??= value === undefined ? `missing ${field}` : `non-string ${field}`;
    record[field] = text !== null && field !== cursorField && isEmptyApiValue(text) ? null : text;
    values.push(text);
  }
  const id = contentId(values);
  const cursorText = raw[cursorField];
  const cursor = typeof cursorText === 'string' ? cursorText : undefined;
  const local = cursor === undefined ? undefined : parseLocal(cursor);
  if (cursor !== undefined && local === undefined) anomaly ??= `unreadable ${cursorField} "${cursor}"`;
  record.id = id;
  if (local === undefined) {
    record.transferred_at = null;
    record.transferred_at_local = null;
  } else {
    const iso = offsets.toIso(local, cursor);
    record.transferred_at = iso;
    // "YYYY-MM-DDTHH:MM:SS" followed by the offset: the wall clock is its first 19 characters.
    record.transferred_at_local = iso.slice(0, 19);
  }
  return {
    record,
    id,
    cursor,
    cursorSeconds: local,
    anomaly,
  };
}

/**
 * A record id as the 16 bytes its 32 hex digits spell, each a character of the string (code 0-255):
 * the first half of a SHA-256 digest as `hash(..., 'latin1')` gives it, which costs a third of a
 * Buffer digest; characters after the 16th, if any, are not part of it. The sync engine keeps ids
 * in this form.
 */
export type RecordKey = string;

/** The key of an id of 32 lowercase hex digits. */
export function keyOfId(id: string): RecordKey {
  return Buffer.from(id, 'hex').toString('latin1');
}

/** The id (32 lowercase hex digits) of a key. */
export function idOfKey(key: RecordKey): string {
  return Buffer.from(key.slice(0, 16), 'latin1').toString('hex');
}

/**
 * The id of the k-th (k ≥ 2) of several rows identical in every field within their second: the first
 * 32 hex digits of SHA-256 over `"{contentId}#{k}"`. The first copy keeps the content id itself, so
 * destinations that deduplicated on it keep working; the same data gives the same ids in every sync.
 */
export function occurrenceId(contentId: string, k: number): string {
  return hash('sha256', `${contentId}#${k}`, 'hex').slice(0, 32);
}
