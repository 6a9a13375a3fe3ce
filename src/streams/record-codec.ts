import { hash } from 'node:crypto';
import { parseLocal, type LocalSeconds } from '../time/local-time.js';
import type { OffsetFormatter } from '../time/zone.js';
import { parseRawRecord, type RawRecord, type RecordDecoder } from '../wolkvox/types.js';
import type { ShapedRecord, TransformResult } from './definition.js';
import { isEmptyApiValue } from './record-shape.js';

/**
 * The per-record hot path of event streams, built once per record from the element's JSON text.
 *
 * Nearly every element Wolkvox sends is a compact flat object of the report's documented fields, in
 * documented order, all strings: `{"conn_id":"812","transfer_agent_id":"1001",...}`. For those the
 * decoder keeps each value's quoted JSON text (`FlatRow`) and the shaper writes the record's JSON
 * from those texts: no object per record, no JSON.stringify, and the id's input (the JSON list of
 * the values) is the quoted texts joined. Any other element (spaces, another order, missing,
 * duplicate or undeclared fields, a value that is not a string, a raw control character) is parsed
 * by JSON.parse and shaped by the stream's general transform (the path every record took before).
 * Both paths give the same bytes for the same element: property tests hold them equal.
 */

/** The quoted JSON texts of a flat element's fields, in the layout's field order, as JSON.stringify writes them. */
export type FlatRow = string[];

/** A decoded element: a flat row on the fast path, else the parsed object. */
export type DecodedRow = FlatRow | RawRecord;

/** One `<field>_at` / `<field>_local` pair of members written from a timestamp field. */
export interface TimestampTwin {
  field: string;
  withOffset: string;
  local: string;
}

/** How a stream's records are laid out, for the fast path. */
export interface FlatLayout {
  /** The report's documented fields, in order: the element's order, the id's and the record's. */
  fields: readonly string[];
  /** The field whose time places the record (the cursor). */
  cursorField: string;
  /** Empty API values (see isEmptyApiValue) become null, except the cursor's (transfers). */
  nullEmpty: boolean;
  /** JSON members written between `id` and the fields, each led by a comma (the partition value), or "". */
  leadingMembers: string;
  /** Timestamp twins written after the fields, in order. */
  twins: readonly TimestampTwin[];
  /** False when the stream's general transform does more than the fast path knows (nested arrays, aliases). */
  fastPath: boolean;
}

/** What a stream definition needs: the decoder the client runs, and the shaper the sync engine runs. */
export interface RecordCodec {
  decode: RecordDecoder<DecodedRow>;
  shape: (row: DecodedRow, offsets: OffsetFormatter) => ShapedRecord;
}

/** Raw control characters: invalid inside a JSON string, and whitespace between tokens otherwise. */
// eslint-disable-next-line no-control-regex -- finding them is the point
const CONTROL_CHARACTER = /[\u0000-\u001f]/;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const CLOSE_OBJECT = 0x7d;
/** Escaped values repeat (names); their canonical texts are kept up to this many. */
const CANONICAL_CACHE_SIZE = 10_000;

/**
 * The codec of a stream: `general` is its transform of a parsed object (the definition of the
 * record); the fast path writes the same bytes for flat elements of `layout`. Throws nothing at
 * build time; `decode` throws SyntaxError for invalid JSON.
 */
export function createRecordCodec(
  layout: FlatLayout,
  general: (raw: RawRecord, offsets: OffsetFormatter) => TransformResult,
): RecordCodec {
  const keys = layout.fields.map((field, index) => `${index === 0 ? '{' : ','}${JSON.stringify(field)}:"`);
  const members = layout.fields.map((field) => `,${JSON.stringify(field)}:`);
  const cursorIndex = layout.fields.indexOf(layout.cursorField);
  const twinIndexes = layout.twins.map((twin) => layout.fields.indexOf(twin.field));
  const fast = layout.fastPath && cursorIndex >= 0 && twinIndexes.every((index) => index >= 0);
  const canonical = new Map<string, string>();
  const twinsOf = twinWriter(layout.twins, twinIndexes);
  // The cursor is usually a timestamp too (transfers: `date`): then its seconds come with the twins.
  const cursorTwin = twinIndexes.indexOf(cursorIndex);

  /** The canonical quoted text of an escaped JSON string text; validates it (SyntaxError). */
  const canonicalText = (quoted: string): string => {
    let text = canonical.get(quoted);
    if (text === undefined) {
      text = JSON.stringify(JSON.parse(quoted) as string);
      if (canonical.size >= CANONICAL_CACHE_SIZE) canonical.clear();
      canonical.set(quoted, text);
    }
    return text;
  };

  const decode = (text: string): DecodedRow => {
    if (!fast || CONTROL_CHARACTER.test(text)) return parseRawRecord(text);
    const row: FlatRow = new Array<string>(keys.length);
    let backslash = text.indexOf('\\');
    let position = 0;
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index]!;
      if (!text.startsWith(key, position)) return parseRawRecord(text);
      const open = position + key.length - 1;
      let close = text.indexOf('"', open + 1);
      let escaped = false;
      if (backslash !== -1 && backslash < close) {
        escaped = true;
        // An escaped quote does not end the value: its run of backslashes is odd.
        for (;;) {
          if (close === -1) return parseRawRecord(text);
          let before = close - 1;
          while (text.charCodeAt(before) === BACKSLASH) before--;
          if ((close - 1 - before) % 2 === 0) break;
          close = text.indexOf('"', close + 1);
        }
        backslash = text.indexOf('\\', close);
      }
      if (close === -1) return parseRawRecord(text);
      const quoted = text.slice(open, close + 1);
      row[index] = escaped ? canonicalText(quoted) : quoted;
      position = close + 1;
      const next = text.charCodeAt(position);
      if (next !== (index === keys.length - 1 ? CLOSE_OBJECT : COMMA)) return parseRawRecord(text);
      if (index < keys.length - 1) continue;
      position += 1;
    }
    return position === text.length ? row : parseRawRecord(text);
  };

  const shapeFlat = (row: FlatRow, offsets: OffsetFormatter): ShapedRecord => {
    let json = layout.leadingMembers;
    for (let index = 0; index < row.length; index++) {
      const quoted = row[index]!;
      const empty = layout.nullEmpty && index !== cursorIndex && isEmptyQuoted(quoted);
      json += members[index]! + (empty ? 'null' : quoted);
    }
    const twins = twinsOf(row, offsets);
    json += twins.members;
    const cursorSeconds =
      cursorTwin >= 0 ? twins.seconds[cursorTwin] : parseLocal(unquote(row[cursorIndex]!));
    return {
      id: hash('sha256', `[${row.join(',')}]`, 'hex').slice(0, 32),
      members: json,
      cursorSeconds,
      anomaly:
        cursorSeconds === undefined
          ? `unreadable ${layout.cursorField} "${unquote(row[cursorIndex]!)}"`
          : undefined,
    };
  };

  return {
    decode,
    shape: (row, offsets) => {
      if (Array.isArray(row)) return shapeFlat(row, offsets);
      const { record, id, cursorSeconds, anomaly } = general(row, offsets);
      return { id, cursorSeconds, anomaly, ...aroundId(JSON.stringify(record), id) };
    },
  };
}

/**
 * A record's JSON text without its `id` member: what comes after it (less the closing brace) and,
 * when it is not the first member (integer-like keys come first), what comes before it. The id is
 * 32 hex digits, so `"id":"<id>"` is found only where the member is: inside a string its quotes are
 * escaped, and a nested object with that very id is out of reach.
 */
function aroundId(json: string, id: string): { members: string; head?: string } {
  const member = `"id":"${id}"`;
  const at = json.indexOf(member);
  const members = json.slice(at + member.length, -1);
  return at === 1 ? { members } : { members, head: json.slice(0, at) };
}

/** The text of a quoted JSON string text (escapes decoded). */
function unquote(quoted: string): string {
  return quoted.indexOf('\\') === -1 ? quoted.slice(1, -1) : (JSON.parse(quoted) as string);
}

/** isEmptyApiValue of the text a quoted JSON string text stands for (escapes decoded first). */
function isEmptyQuoted(quoted: string): boolean {
  if (quoted.length === 2 || quoted === '"-"') return true;
  const first = quoted.charCodeAt(1);
  if (first !== BACKSLASH && first > 32) return false;
  return isEmptyApiValue(unquote(quoted));
}

/** A row's timestamp twins: their JSON members, and each twin field's time (undefined when unreadable). */
interface Twins {
  members: string;
  seconds: (LocalSeconds | undefined)[];
}

/**
 * The twins of a row (fields at `indexes`): `,"<withOffset>":"<ISO with offset>","<local>":"<ISO>"`
 * per twin, or null for both when the field is not a local time. The last result is kept: rows of
 * one second come together.
 */
function twinWriter(
  twins: readonly TimestampTwin[],
  indexes: readonly number[],
): (row: FlatRow, offsets: OffsetFormatter) => Twins {
  const withOffset = twins.map((twin) => `,${JSON.stringify(twin.withOffset)}:`);
  const local = twins.map((twin) => `,${JSON.stringify(twin.local)}:`);
  let lastKey = '';
  let lastOffsets: OffsetFormatter | undefined;
  let last: Twins = { members: '', seconds: [] };
  return (row, offsets) => {
    let key = indexes.length === 1 ? row[indexes[0]!]! : '';
    if (indexes.length > 1) for (const index of indexes) key += row[index];
    if (key === lastKey && offsets === lastOffsets) return last;
    let members = '';
    const seconds = indexes.map((index, twin) => {
      const text = unquote(row[index]!);
      const at = parseLocal(text);
      if (at === undefined) members += `${withOffset[twin]}null${local[twin]}null`;
      else {
        const iso = offsets.toIso(at, text);
        members += `${withOffset[twin]}"${iso}"${local[twin]}"${iso.slice(0, 19)}"`;
      }
      return at;
    });
    lastKey = key;
    lastOffsets = offsets;
    last = { members, seconds };
    return last;
  };
}
