import { hash } from 'node:crypto';
import { copyBytes, type RecordWriter } from '../sync/output.js';
import { clockSeconds, parseLocal, SECONDS_PER_DAY, type LocalSeconds } from '../time/local-time.js';
import type { OffsetFormatter } from '../time/zone.js';
import { batchLength, elementText, type ElementBatch, type ElementReader } from '../wolkvox/decode.js';
import { parseRawRecords, type RawRecord, type RecordDecoder } from '../wolkvox/types.js';
import type { ShapedRecord, TransformResult } from './definition.js';
import { isEmptyApiValue, keyOfId, type RecordKey } from './record-shape.js';

/**
 * The per-record hot path of event streams: each record is read from the body's bytes and written
 * as bytes, once.
 *
 * Nearly every element Wolkvox sends is a compact flat object of the report's documented fields, in
 * documented order, all strings: `{"conn_id":"812","transfer_agent_id":"1001",...}`. For those the
 * decoder notes where each value's quoted text lies in the body's bytes (valid UTF-8, checked per
 * batch by the splitter), and the record is written by copying those bytes: its data object is
 * `{"id":"<id>"` + the partition member + the element's own members (an empty value as null) + the
 * timestamp twins + `}`, and the id's input (the JSON list of the values) is the quoted texts
 * joined. A value with escapes is written in the form JSON.stringify gives it (kept per distinct
 * text). Any other element (spaces, another order, missing, duplicate or undeclared fields, a value
 * that is not a string, a raw control character, a body not in UTF-8) is parsed by JSON.parse and
 * shaped by the stream's general transform. Both paths give the same bytes for the same element:
 * property tests hold them equal.
 */

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

/**
 * What was read of the flat elements of one batch, slot by slot (element k in slot k): filled by the
 * body's element reader as the splitter meets the elements, and by `decode` for the others.
 */
class FlatReadings {
  /** Element slots read or passed so far (the reader's; decode fills a batch's slots by index). */
  count = 0;
  /**
   * For element k read flat, value f's quoted text is bytes[values[3(kF + f)], values[3(kF + f) + 1]);
   * values[3(kF + f) + 2] is j + 1 when the value has escapes and is written as `canonical[j]`
   * (JSON.stringify's form of it), else 0.
   */
  values: Int32Array;
  /** The content key of each element read flat (the digest of its id input); undefined for the others. */
  readonly keys: (RecordKey | undefined)[] = [];
  readonly canonical: Buffer[] = [];
  /** Bytes of the canonical texts of element k's escaped values, where it has any. */
  canonicalBytes: (number | undefined)[] | undefined;

  constructor(
    private readonly stride: number,
    slots: number,
  ) {
    this.values = new Int32Array(stride * Math.max(slots, 1));
  }

  /** Makes room for `slots` element slots. */
  reserve(slots: number): void {
    if (slots * this.stride <= this.values.length) return;
    const grown = new Int32Array(2 * slots * this.stride);
    grown.set(this.values);
    this.values = grown;
  }
}

/**
 * The elements of one batch, decoded in the client (so that a broken element is retried like any
 * broken body): for a flat element, where its values' quoted texts lie; for any other, its object.
 */
export class DecodedBatch {
  constructor(
    readonly length: number,
    /** The batch's bytes (empty for a batch of decoded text). */
    readonly bytes: Buffer,
    /** The layout's field count (F). */
    private readonly fieldCount: number,
    /** Where the values of the flat elements lie, and their keys (empty when no element is flat). */
    readonly read: FlatReadings,
    /** Element k's bounds in `bytes` (the fast path copies its members from there). */
    readonly starts: readonly number[],
    readonly ends: readonly number[],
    /** The parsed object of each element that did not take the fast path (undefined for those that did). */
    readonly parsed: readonly (RawRecord | undefined)[],
  ) {}

  /** The text value `field` of flat element `index` stands for (escapes decoded). */
  text(index: number, field: number): string {
    const { values } = this.read;
    const at = (index * this.fieldCount + field) * 3;
    const escaped = values[at + 2]!;
    // A value without escapes is its bytes between the quotes.
    if (escaped === 0) return this.bytes.toString('utf8', values[at]! + 1, values[at + 1]! - 1);
    const canonical = this.read.canonical[escaped - 1]!;
    return valueText(canonical, 0, canonical.length);
  }
}

/** What a stream definition needs: the decoder the client runs, the shaper and the writer the sync engine runs. */
export interface RecordCodec {
  /** Throws SyntaxError when an element is not valid JSON. */
  decode: RecordDecoder<DecodedBatch>;
  /**
   * Element `index` of `batch`, shaped: its id, time and anomaly. The record is valid until the
   * codec's next `shape` (a flat element's is the same object, shaped again).
   */
  shape: (batch: DecodedBatch, index: number, offsets: OffsetFormatter) => ShapedRecord;
  /** Writes the data object of `record` (which `shape` gave) with the id of `key` as its id. */
  write: (writer: RecordWriter, record: ShapedRecord, key: RecordKey) => void;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE_OBJECT = 0x7d;
const DASH = 0x2d;
const COLON = 0x3a;
const SPACE = 0x20;
const COMMA = 0x2c;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;
/**
 * Escaped values repeat (names); the canonical texts of those up to CANONICAL_CACHE_TEXT_CHARS are
 * kept, up to CANONICAL_CACHE_SIZE of them (at most about 5 MB). Long free text (e-mail bodies,
 * chat answers in PHP's \u00e9 style) rarely repeats: keeping it filled the 128 MiB old space.
 */
const CANONICAL_CACHE_SIZE = 10_000;
const CANONICAL_CACHE_TEXT_CHARS = 256;
/** Past this size the id input's buffer is dropped after use: one huge element leaves nothing behind. */
const ID_INPUT_KEPT_BYTES = 256 * 1024;
/** The element reader reads elements up to this size; larger ones are scanned, then read by decode. */
const READER_ELEMENT_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);
/** The readings of a batch with no flat element (nothing in it is ever written). */
const NOTHING_READ = new FlatReadings(0, 0);
const ascii = (text: string) => Buffer.from(text, 'latin1');
const ID_OPEN = ascii('{"id":"');
const NULL = ascii('null');
const CLOSE = ascii('}');
const ID_OPEN_AFTER_HEAD = ascii('"id":"');

/** A record of the general path: its JSON text around the id. */
class GeneralRecord implements ShapedRecord {
  constructor(
    readonly key: RecordKey,
    readonly cursorSeconds: number | undefined,
    readonly anomaly: string | undefined,
    /** The JSON text before the `id` member: `{`, or more when integer-like keys come first. */
    readonly head: string,
    /** The members after `id` (each led by a comma), without the closing brace. */
    readonly members: string,
  ) {}
}

/** A record of the fast path: where its values lie, and its twins' members. */
class FlatRecord implements ShapedRecord {
  key: RecordKey = '';
  cursorSeconds: number | undefined;
  anomaly: string | undefined;
  batch: DecodedBatch | undefined;
  index = 0;
  /** The twins' members, unless `template` writes them. */
  twins = '';
  /** The one twin's members to fill with the date of the value (see TwinTemplate), or undefined. */
  template: TwinTemplate | undefined;
}

/**
 * The codec of a stream: `general` is its transform of a parsed object (the definition of the
 * record); the fast path writes the same bytes for flat elements of `layout`. Throws nothing at
 * build time.
 */
export function createRecordCodec(
  layout: FlatLayout,
  general: (raw: RawRecord, offsets: OffsetFormatter) => TransformResult,
): RecordCodec {
  const fieldCount = layout.fields.length;
  const keys = layout.fields.map((field, index) =>
    ascii(`${index === 0 ? '{' : ','}${JSON.stringify(field)}:"`),
  );
  // Each key's bytes as little-endian 32-bit words (the last one zero-padded), compared 4 bytes at a time.
  const keyWords = keys.map((key) => {
    const padded = Buffer.alloc(4 * Math.ceil(key.length / 4));
    key.copy(padded);
    return Int32Array.from({ length: padded.length / 4 }, (_, w) => padded.readInt32LE(4 * w));
  });
  const cursorIndex = layout.fields.indexOf(layout.cursorField);
  const twinIndexes = layout.twins.map((twin) => layout.fields.indexOf(twin.field));
  const fast = layout.fastPath && cursorIndex >= 0 && twinIndexes.every((index) => index >= 0);
  const afterId = Buffer.from(`"${layout.leadingMembers},`, 'utf8');
  const canonicalCache = new Map<string, Buffer>();
  const twinsOf = twinWriter(layout.twins, twinIndexes);
  // The cursor is usually a timestamp too (transfers: `date`): then its seconds come with the twins.
  const cursorTwin = twinIndexes.indexOf(cursorIndex);
  let idInput = Buffer.allocUnsafe(4096);
  // Views of idInput's first n bytes, by n: the id's input is hashed without a view per record.
  let idInputViews: Uint8Array[] = [];

  /** The canonical form of an escaped quoted JSON string text; validates it (SyntaxError). */
  const canonicalOf = (quoted: string): Buffer => {
    let bytes = canonicalCache.get(quoted);
    if (bytes === undefined) {
      bytes = Buffer.from(JSON.stringify(JSON.parse(quoted) as string), 'utf8');
      if (quoted.length > CANONICAL_CACHE_TEXT_CHARS) return bytes;
      if (canonicalCache.size >= CANONICAL_CACHE_SIZE) canonicalCache.clear();
      canonicalCache.set(quoted, bytes);
    }
    return bytes;
  };

  /** Makes idInput hold at least `length` bytes (keeping its first `kept`). */
  const growIdInput = (length: number, kept: number): void => {
    if (length <= idInput.length) return;
    const grown = Buffer.allocUnsafe(2 * length);
    idInput.copy(grown, 0, 0, kept);
    idInput = grown;
    idInputViews = [];
  };

  /**
   * Reads the element that starts at bytes[start] into slot `slot` of `readings` when it is a compact
   * flat element of the layout that ends at or before `limit`: its values' places, its content key
   * (the id input is put in idInput as the values are read, then hashed); returns the index after
   * its `}`, or -1 (the slot's key stays undefined). Throws SyntaxError for an escape JSON does not allow.
   */
  const readFlat = (
    readings: FlatReadings,
    slot: number,
    bytes: Buffer,
    words: DataView,
    start: number,
    limit: number,
  ): number => {
    const { values, canonical } = readings;
    const at = slot * fieldCount * 3;
    readings.keys[slot] = undefined;
    // The values and their separators are fewer bytes than the element (canonical texts are never longer).
    growIdInput(limit - start, 0);
    let input = idInput;
    let length = 0;
    let position = start;
    let canonicalBytes = 0;
    for (let field = 0; field < fieldCount; field++) {
      const key = keys[field]!;
      const keyLength = key.length;
      if (position + keyLength > limit) return -1;
      const expected = keyWords[field]!;
      const whole = keyLength >> 2;
      for (let w = 0; w < whole; w++) if (words.getInt32(position + 4 * w, true) !== expected[w]) return -1;
      for (let k = 4 * whole; k < keyLength; k++) if (bytes[position + k] !== key[k]) return -1;
      const open = position + keyLength - 1;
      input[length++] = field === 0 ? OPEN_LIST : COMMA;
      const valueAt = length;
      input[length++] = QUOTE;
      let i = open + 1;
      let escaped = false;
      for (;;) {
        if (i >= limit) return -1;
        const c = bytes[i]!;
        input[length++] = c;
        if (c === QUOTE) break;
        if (c < SPACE) return -1;
        if (c === BACKSLASH) {
          escaped = true;
          input[length++] = bytes[i + 1] ?? 0;
          i += 2;
        } else i += 1;
      }
      const close = i + 1;
      values[at + 3 * field] = open;
      values[at + 3 * field + 1] = close;
      values[at + 3 * field + 2] = 0;
      if (escaped) {
        const text = canonicalOf(bytes.toString('utf8', open, close));
        canonical.push(text);
        canonicalBytes += text.length;
        values[at + 3 * field + 2] = canonical.length;
        growIdInput(valueAt + text.length + limit - close + 1, valueAt);
        input = idInput;
        length = copyBytes(input, valueAt, text, 0, text.length);
      }
      position = close;
    }
    if (position >= limit || bytes[position] !== CLOSE_OBJECT) return -1;
    input[length++] = CLOSE_LIST;
    readings.keys[slot] = idInputKey(length);
    if (canonicalBytes > 0) (readings.canonicalBytes ??= [])[slot] = canonicalBytes;
    return position + 1;
  };

  /** The content key of the id input idInput[0, length): the first 16 bytes of its SHA-256, as a 'binary' string. */
  const idInputKey = (length: number): RecordKey => {
    const view = (idInputViews[length] ??= new Uint8Array(idInput.buffer, idInput.byteOffset, length));
    const key = hash('sha256', view, 'binary');
    if (idInput.length > ID_INPUT_KEPT_BYTES) {
      idInput = Buffer.allocUnsafe(4096);
      idInputViews = [];
    }
    return key;
  };

  /** The reader of one body's elements: reads flat elements as the splitter meets them (see ElementReader). */
  const elementReader = (): ElementReader => {
    let readings = new FlatReadings(fieldCount * 3, 0);
    let wordsOf: Buffer | undefined;
    let words: DataView = new DataView(EMPTY.buffer, 0, 0);
    return {
      read: (bytes, start, limit) => {
        if (bytes !== wordsOf) {
          wordsOf = bytes;
          words = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
        }
        const slot = readings.count;
        readings.reserve(slot + 1);
        const canonicalBefore = readings.canonical.length;
        let end: number;
        try {
          end = readFlat(readings, slot, bytes, words, start, Math.min(limit, start + READER_ELEMENT_BYTES));
        } catch {
          end = -1; // an escape JSON does not allow: decode finds it again and says so
        }
        if (end < 0) readings.canonical.length = canonicalBefore;
        else readings.count += 1;
        return end;
      },
      unread: () => {
        readings.reserve(readings.count + 1);
        readings.keys[readings.count++] = undefined;
      },
      take: () => {
        const taken = readings;
        readings = new FlatReadings(fieldCount * 3, taken.count);
        return taken;
      },
    };
  };

  const decode = (batch: ElementBatch): DecodedBatch => {
    const length = batchLength(batch);
    if (batch.kind === 'text' || !fast) {
      const bytes = batch.kind === 'text' ? EMPTY : batch.bytes;
      return new DecodedBatch(length, bytes, fieldCount, NOTHING_READ, [], [], parseRawRecords(batch));
    }
    const { bytes, starts, ends } = batch;
    // What the element reader read as the body streamed; the other elements are read here.
    const read = batch.readings instanceof FlatReadings && batch.readings.count === length;
    const readings = read ? batch.readings : new FlatReadings(fieldCount * 3, length);
    const parsed = new Array<RawRecord | undefined>(length);
    let words: DataView | undefined;
    for (let k = 0; k < length; k++) {
      if (read && readings.keys[k] !== undefined) continue;
      words ??= new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      if (readFlat(readings, k, bytes, words, starts[k]!, ends[k]!) !== ends[k])
        parsed[k] = JSON.parse(elementText(batch, k)) as RawRecord;
    }
    return new DecodedBatch(length, bytes, fieldCount, readings, starts, ends, parsed);
  };

  // One twin whose value is a compact "YYYY-MM-DD HH:MM:SS" (transfers) is read and written as bytes.
  const byteTwin = layout.twins.length === 1 ? new ByteTwin(layout.twins[0]!) : undefined;
  const byteTwinField = twinIndexes[0] ?? -1;

  /** The time of the byte twin's value of element `index`, when it is a compact readable date. */
  const byteTwinSeconds = (batch: DecodedBatch, index: number): LocalSeconds | undefined => {
    if (byteTwin === undefined) return undefined;
    const at = (index * fieldCount + byteTwinField) * 3;
    const { values } = batch.read;
    const start = values[at]!;
    const compact = values[at + 2] === 0 && values[at + 1]! - start === 21;
    return compact ? byteTwin.secondsAt(batch.bytes, start + 1) : undefined;
  };

  // One record of the fast path, shaped again for each element: nothing is allocated per record.
  const flat = new FlatRecord();

  const shapeFlat = (batch: DecodedBatch, index: number, offsets: OffsetFormatter): FlatRecord => {
    const key = batch.read.keys[index]!;
    const seconds = byteTwinSeconds(batch, index);
    let cursorSeconds: LocalSeconds | undefined;
    let members = '';
    let template: TwinTemplate | undefined;
    if (seconds !== undefined) {
      template = byteTwin!.template(offsets.offsetText(seconds));
      cursorSeconds = seconds; // the cursor's time when the cursor is this twin, replaced below if not
    } else {
      const twins = twinsOf(batch, index, offsets);
      members = twins.members;
      cursorSeconds = twins.seconds[cursorTwin];
    }
    if (cursorTwin < 0) cursorSeconds = parseLocal(batch.text(index, cursorIndex));
    const anomaly =
      cursorSeconds === undefined
        ? `unreadable ${layout.cursorField} "${batch.text(index, cursorIndex)}"`
        : undefined;
    flat.key = key;
    flat.cursorSeconds = cursorSeconds;
    flat.anomaly = anomaly;
    flat.batch = batch;
    flat.index = index;
    flat.twins = members;
    flat.template = template;
    return flat;
  };

  /** Bytes of a flat record's data besides its element's: `{"id":"<32 digits>` and what follows the id, and `}`. */
  const recordOverhead = ID_OPEN.length + 32 + afterId.length + 1;

  const writeFlat = (writer: RecordWriter, record: FlatRecord, key: RecordKey): void => {
    const { index, template } = record;
    const batch = record.batch!;
    const { values, canonical } = batch.read;
    const source = batch.bytes;
    const elementEnd = batch.ends[index]!;
    // At most: the element (its braces aside), each value as null (4 bytes, for at least 2) or in its
    // canonical form, the template's members.
    const room =
      recordOverhead +
      elementEnd -
      batch.starts[index]! +
      2 * fieldCount +
      (batch.read.canonicalBytes?.[index] ?? 0) +
      (template?.length ?? 0);
    let at = writer.reserve(room);
    const target = writer.target();
    at = copyBytes(target, at, ID_OPEN, 0, ID_OPEN.length);
    at = putHexId(target, at, key);
    at = copyBytes(target, at, afterId, 0, afterId.length);
    // The element's own members, from after its `{` to before its `}`, but for values written otherwise.
    let from = batch.starts[index]! + 1;
    for (let field = 0; field < fieldCount; field++) {
      const slot = (index * fieldCount + field) * 3;
      const start = values[slot]!;
      const end = values[slot + 1]!;
      const escaped = values[slot + 2]!;
      const value = escaped === 0 ? undefined : canonical[escaped - 1]!;
      const empty =
        layout.nullEmpty &&
        field !== cursorIndex &&
        (value === undefined ? isEmptyQuoted(source, start, end) : isEmptyQuoted(value, 0, value.length));
      // A value written as it stands in the element is copied with the members around it.
      const written = empty ? NULL : value;
      if (written === undefined) continue;
      at = copyBytes(target, at, source, from, start);
      at = copyBytes(target, at, written, 0, written.length);
      from = end;
    }
    at = copyBytes(target, at, source, from, elementEnd - 1);
    if (template === undefined) {
      writer.commit(at);
      writer.text(record.twins);
      writer.bytes(CLOSE, 0, CLOSE.length);
      return;
    }
    at = template.put(target, at, source, values[(index * fieldCount + byteTwinField) * 3]! + 1);
    target[at++] = CLOSE_OBJECT;
    writer.commit(at);
  };

  return {
    decode: Object.assign(decode, { elementReader: fast ? elementReader : undefined }),
    shape: (batch, index, offsets) => {
      const raw = batch.parsed[index];
      if (raw === undefined) return shapeFlat(batch, index, offsets);
      const { record, id, cursorSeconds, anomaly } = general(raw, offsets);
      const json = JSON.stringify(record);
      const member = `"id":"${id}"`;
      const at = json.indexOf(member);
      // The id is 32 hex digits, so `"id":"<id>"` is found only where the member is: inside a string
      // its quotes are escaped, and a nested object with that very id is out of reach.
      return new GeneralRecord(
        keyOfId(id),
        cursorSeconds,
        anomaly,
        json.slice(0, at),
        json.slice(at + member.length, -1),
      );
    },
    write: (writer, record, key) => {
      if (record instanceof FlatRecord) writeFlat(writer, record, key);
      else if (record instanceof GeneralRecord) {
        if (record.head === '{') writer.bytes(ID_OPEN, 0, ID_OPEN.length);
        else {
          writer.text(record.head);
          writer.bytes(ID_OPEN_AFTER_HEAD, 0, ID_OPEN_AFTER_HEAD.length);
        }
        writeHexId(writer, key);
        writer.text(`"${record.members}}`);
      } else throw new TypeError('a record this codec did not shape');
    },
  };
}

/**
 * A batch of the elements `texts` (JSON texts of objects), as a body's bytes would carry them: for
 * callers that hold single rows (the demo's expected ids, tests). Lone surrogates are not UTF-8:
 * escape them first (JSON.stringify does).
 */
export function elementsBatch(texts: readonly string[]): ElementBatch {
  const starts: number[] = [];
  const ends: number[] = [];
  let at = 0;
  for (const text of texts) {
    starts.push(at);
    at += Buffer.byteLength(text, 'utf8');
    ends.push(at);
  }
  return { kind: 'utf8', bytes: Buffer.from(texts.join(''), 'utf8'), starts, ends };
}

const HEX_DIGITS = ascii('0123456789abcdef');

/** Puts the id of `key` (its 16 bytes as 32 lowercase hex digits) in target at `at`; returns where it ends. */
function putHexId(target: Uint8Array, at: number, key: RecordKey): number {
  for (let byte = 0; byte < 16; byte++) {
    const value = key.charCodeAt(byte);
    target[at++] = HEX_DIGITS[value >> 4]!;
    target[at++] = HEX_DIGITS[value & 15]!;
  }
  return at;
}

/** Writes the id of `key` (see putHexId). */
function writeHexId(writer: RecordWriter, key: RecordKey): void {
  const at = writer.reserve(32);
  writer.commit(putHexId(writer.target(), at, key));
}

/** The text a quoted JSON string text stands for (bytes[start, end), escapes decoded). */
function valueText(bytes: Buffer, start: number, end: number): string {
  const quoted = bytes.toString('utf8', start, end);
  return quoted.includes('\\') ? (JSON.parse(quoted) as string) : quoted.slice(1, -1);
}

/** isEmptyApiValue of the text the quoted JSON string text bytes[start, end) stands for. */
function isEmptyQuoted(bytes: Buffer, start: number, end: number): boolean {
  const length = end - start;
  if (length === 2 || (length === 3 && bytes[start + 1] === DASH)) return true;
  const first = bytes[start + 1]!;
  if (first !== BACKSLASH && first > SPACE) return false;
  return isEmptyApiValue(valueText(bytes, start, end));
}

/**
 * The twin members of one timestamp field written from the value's bytes: for a value
 * "YYYY-MM-DD HH:MM:SS", `,"<withOffset>":"YYYY-MM-DDTHH:MM:SS<offset>","<local>":"YYYY-MM-DDTHH:MM:SS"`,
 * what the text path writes (OffsetFormatter.toIso) without a string per record.
 */
class ByteTwin {
  private readonly templates = new Map<string, TwinTemplate>();
  /** The first 11 bytes ("YYYY-MM-DD ") of the last date read in full, and its midnight. */
  private readonly dayPrefix = Buffer.alloc(11);
  private dayStart: LocalSeconds | undefined;

  constructor(private readonly twin: TimestampTwin) {}

  /** The members for `offset`, the date still to fill. */
  template(offset: string): TwinTemplate {
    let template = this.templates.get(offset);
    if (template === undefined) {
      template = new TwinTemplate(this.twin, offset);
      this.templates.set(offset, template);
    }
    return template;
  }

  /** Whether the 11 bytes at `at` are those of the last date read in full (a loop: Buffer#compare costs more). */
  private sameDay(bytes: Buffer, at: number): boolean {
    for (let i = 0; i < 11; i++) if (bytes[at + i] !== this.dayPrefix[i]) return false;
    return true;
  }

  /** The time of the 19 bytes at `at` as parseLocal reads their text; undefined when not a time. */
  secondsAt(bytes: Buffer, at: number): LocalSeconds | undefined {
    if (this.dayStart !== undefined && this.sameDay(bytes, at)) {
      const clock = clockSeconds(
        digitPair(bytes, at + 11),
        digitPair(bytes, at + 14),
        digitPair(bytes, at + 17),
      );
      if (clock >= 0 && bytes[at + 13] === COLON && bytes[at + 16] === COLON) return this.dayStart + clock;
    }
    const seconds = parseLocal(bytes.toString('latin1', at, at + 19));
    if (seconds !== undefined) {
      bytes.copy(this.dayPrefix, 0, at, at + 11);
      this.dayStart = seconds - (((seconds % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY);
    }
    return seconds;
  }
}

/** Two ASCII digits at `at` as a number, or -1. */
function digitPair(bytes: Buffer, at: number): number {
  const tens = bytes[at]! - 48;
  const units = bytes[at + 1]! - 48;
  return tens >= 0 && tens <= 9 && units >= 0 && units <= 9 ? tens * 10 + units : -1;
}

/** The twin members of one offset, with the two places the date's bytes go. */
class TwinTemplate {
  private readonly bytes: Buffer;
  private readonly withOffsetAt: number;
  private readonly localAt: number;

  constructor(twin: TimestampTwin, offset: string) {
    const head = `,${JSON.stringify(twin.withOffset)}:"`;
    const middle = `${offset}",${JSON.stringify(twin.local)}:"`;
    const date = 'YYYY-MM-DDTHH:MM:SS';
    this.bytes = Buffer.from(`${head}${date}${middle}${date}"`, 'utf8');
    this.withOffsetAt = Buffer.byteLength(head);
    this.localAt = this.withOffsetAt + date.length + Buffer.byteLength(middle);
  }

  /** Bytes of the members. */
  get length(): number {
    return this.bytes.length;
  }

  /**
   * Puts the members for the date "YYYY-MM-DD HH:MM:SS" of source[dateAt, dateAt + 19) in target
   * at `at`; returns where they end.
   */
  put(target: Uint8Array, at: number, source: Buffer, dateAt: number): number {
    const end = copyBytes(target, at, this.bytes, 0, this.bytes.length);
    const withOffsetAt = at + this.withOffsetAt;
    const localAt = at + this.localAt;
    for (let i = 0; i < 19; i++) {
      if (i === 10) continue; // the "T"
      const byte = source[dateAt + i]!;
      target[withOffsetAt + i] = byte;
      target[localAt + i] = byte;
    }
    return end;
  }
}

/** A row's timestamp twins: their JSON members, and each twin field's time (undefined when unreadable). */
interface Twins {
  members: string;
  seconds: (LocalSeconds | undefined)[];
}

/**
 * The twins of a record (fields at `indexes`): `,"<withOffset>":"<ISO with offset>","<local>":"<ISO>"`
 * per twin, or null for both when the field is not a local time. The last result is kept, with the
 * values it was made from: records of one second come together.
 */
function twinWriter(
  twins: readonly TimestampTwin[],
  indexes: readonly number[],
): (batch: DecodedBatch, index: number, offsets: OffsetFormatter) => Twins {
  const withOffset = twins.map((twin) => `,${JSON.stringify(twin.withOffset)}:`);
  const local = twins.map((twin) => `,${JSON.stringify(twin.local)}:`);
  const texts = indexes.map(() => '');
  let lastTexts: string[] = [];
  let lastOffsets: OffsetFormatter | undefined;
  let last: Twins = { members: '', seconds: [] };
  return (batch, index, offsets) => {
    let same = offsets === lastOffsets;
    for (let twin = 0; twin < indexes.length; twin++) {
      const text = batch.text(index, indexes[twin]!);
      texts[twin] = text;
      same &&= text === lastTexts[twin];
    }
    if (same) return last;
    let members = '';
    const seconds = texts.map((text, twin) => {
      const at = parseLocal(text);
      if (at === undefined) members += `${withOffset[twin]}null${local[twin]}null`;
      else {
        const iso = offsets.toIso(at, text);
        members += `${withOffset[twin]}"${iso}"${local[twin]}"${iso.slice(0, 19)}"`;
      }
      return at;
    });
    lastTexts = [...texts];
    lastOffsets = offsets;
    last = { members, seconds };
    return last;
  };
}
