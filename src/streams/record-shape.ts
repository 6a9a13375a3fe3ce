import { hash } from 'node:crypto';
import { parseLocal } from '../time/local-time.js';
import type { OffsetFormatter } from '../time/zone.js';
import type { RawRecord } from '../wolkvox/types.js';
import type { TransformResult } from './definition.js';

/** A raw API value as a string: strings unchanged, null/undefined as null, objects as JSON, the rest by String(). */
export function asText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return null;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The stable content id of a record: the first 32 hex digits of SHA-256 over the values as a JSON list. */
export function contentId(values: readonly (string | null)[]): string {
  return hash('sha256', JSON.stringify(values), 'hex').slice(0, 32);
}

/**
 * Shared shaping of Reports Manager records: the API fields kept as strings (anything else is
 * converted and reported), an id hashed from those fields, and the cursor date with its offset.
 * The id hashes the API fields in their declared order, so it never changes across syncs or
 * versions as long as the field list does not; two rows equal in every field share one id.
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
    record[field] = text;
    values.push(text);
  }
  const id = contentId(values);
  const cursorText = raw[cursorField];
  const cursor = typeof cursorText === 'string' ? cursorText : undefined;
  const local = cursor === undefined ? undefined : parseLocal(cursor);
  if (cursor !== undefined && local === undefined) anomaly ??= `unreadable ${cursorField} "${cursor}"`;
  record.id = id;
  record.transferred_at = local === undefined ? null : offsets.toIso(local, cursor);
  return {
    record,
    id,
    cursor,
    cursorSeconds: local,
    anomaly,
  };
}
