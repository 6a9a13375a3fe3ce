import { createHash } from 'crypto';
import { DateTime } from 'luxon';

/** The seven chat_9 fields, in the order the connector hashes and writes them. */
export const API_FIELDS = [
  'conn_id',
  'transfer_agent_id',
  'transfer_agent_name',
  'receiver_agent_id',
  'receiver_agent_name',
  'channel',
  'date',
] as const;

const CURSOR_FIELD = 'date';
const WOLKVOX_DATE_FORMAT = 'yyyy-MM-dd HH:mm:ss';

/** A parsed JSON value as text: strings as they are, null or absent as null, objects and arrays as JSON. */
function asText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return null;
  // What JSON.parse gives besides strings, null, objects and arrays: numbers and booleans.
  return typeof value === 'object' ? JSON.stringify(value) : String(value as number | boolean);
}

function isEmpty(text: string): boolean {
  return text.trim() === '' || text === '-';
}

/**
 * A chat_9 row as the connector's `transfers` record (schemas/transfers.json), the rule of
 * src/streams/record-shape.ts written again the way a faros source maps a record:
 * - `id`: the first 32 hex digits of SHA-256 over the JSON list of the seven API values as sent;
 * - each API value as text, empty ones ("", blanks, "-") null except `date`;
 * - `transferred_at`: `date` in ISO 8601 with the offset of `timezone` (e.g. 2025-01-01T00:00:00-05:00),
 *   `transferred_at_local` the same wall clock without offset; both null when `date` is unreadable.
 * Rows identical in every field get one content id here; `numberCopies` numbers them as the connector does.
 */
export function toTransfer(raw: Record<string, unknown>, timezone: string): Record<string, string | null> {
  const values = API_FIELDS.map((field) => asText(raw[field]));
  const record: Record<string, string | null> = {
    id: createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 32),
  };
  API_FIELDS.forEach((field, index) => {
    const text = values[index];
    record[field] = text !== null && field !== CURSOR_FIELD && isEmpty(text) ? null : text;
  });
  const date = values[API_FIELDS.indexOf(CURSOR_FIELD)];
  const at = date ? DateTime.fromFormat(date, WOLKVOX_DATE_FORMAT, { zone: timezone }) : undefined;
  record.transferred_at = at?.isValid ? at.toISO({ suppressMilliseconds: true }) : null;
  record.transferred_at_local = at?.isValid
    ? at.toISO({ suppressMilliseconds: true, includeOffset: false })
    : null;
  return record;
}

/**
 * Gives the k-th (k >= 2) of rows identical in every field within one response the first 32 hex
 * digits of SHA-256 over "{id}#{k}", as the connector does, so each keeps its own row downstream.
 * `seen` counts the content ids of the response so far.
 */
export function numberCopies(
  record: Record<string, string | null>,
  seen: Map<string, number>,
): Record<string, string | null> {
  const id = record.id as string;
  const k = (seen.get(id) ?? 0) + 1;
  seen.set(id, k);
  if (k > 1) record.id = createHash('sha256').update(`${id}#${k}`).digest('hex').slice(0, 32);
  return record;
}
