import { isUtf8 } from 'node:buffer';

/**
 * Bytes of a response body to text. Wolkvox names are Spanish (accents, ñ); a server or proxy may
 * send them as ISO-8859-1 / Windows-1252 instead of UTF-8, with or without saying so.
 *
 * - A declared single-byte charset (iso-8859-1, latin1, windows-1252, cp1252, us-ascii) is decoded
 *   as Windows-1252, as browsers do (WHATWG Encoding: those labels all mean windows-1252).
 * - Otherwise (utf-8 or no charset) the bytes are decoded as UTF-8; a byte that is not part of a
 *   valid UTF-8 sequence is decoded as its Windows-1252 character instead of U+FFFD, and counted.
 *   The result depends only on the bytes, never on how they were cut into chunks, so a record's
 *   id is the same for the same answer.
 */

const SINGLE_BYTE_LABELS = new Set([
  'iso-8859-1',
  'iso8859-1',
  'iso_8859-1',
  'latin1',
  'l1',
  'windows-1252',
  'cp1252',
  'x-cp1252',
  'us-ascii',
  'ascii',
]);

/** Windows-1252 characters of bytes 0x80..0x9F (the rest of the range is Latin-1 itself). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d,
  0x017d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0x9d, 0x017e, 0x0178,
];

function cp1252Char(byte: number): string {
  return String.fromCharCode(byte >= 0x80 && byte <= 0x9f ? CP1252_HIGH[byte - 0x80]! : byte);
}

/** Whether a Content-Type charset (lower-cased) is one of the single-byte ones read as Windows-1252. */
export function isSingleByteCharset(charset: string | undefined): boolean {
  return charset !== undefined && SINGLE_BYTE_LABELS.has(charset);
}

/** The charset parameter of a Content-Type header, lower-cased; undefined when absent. */
export function charsetOf(contentType: string | string[] | undefined): string | undefined {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(value ?? '');
  return match?.[1]?.toLowerCase();
}

/** Length of the UTF-8 sequence a lead byte starts, 0 for a byte that cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Whether the `length` bytes at `at` form one valid UTF-8 sequence (no overlong form, no surrogate). */
function isValidSequence(bytes: Uint8Array, at: number, length: number): boolean {
  const lead = bytes[at]!;
  for (let k = 1; k < length; k++) if ((bytes[at + k]! & 0xc0) !== 0x80) return false;
  if (length < 3) return true;
  const second = bytes[at + 1]!;
  if (lead === 0xe0) return second >= 0xa0;
  if (lead === 0xed) return second <= 0x9f;
  if (lead === 0xf0) return second >= 0x90;
  if (lead === 0xf4) return second <= 0x8f;
  return true;
}

/** How many bytes at the end of `bytes` begin a UTF-8 sequence that the next chunk may complete. */
function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) !== 0x80) {
      const length = sequenceLength(byte);
      return length > back ? back : 0;
    }
  }
  return 0;
}

/**
 * Decodes one body, chunk by chunk. `fallbackBytes` counts the bytes that were not valid UTF-8 and
 * were read as Windows-1252 (always 0 for a declared single-byte charset).
 */
export class BodyTextDecoder {
  readonly #singleByte: boolean;
  readonly #utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  #carry: Uint8Array = new Uint8Array(0);
  #started = false;
  fallbackBytes = 0;

  /** `charset`: the Content-Type charset, lower-cased (see charsetOf), or undefined. */
  constructor(charset: string | undefined) {
    this.#singleByte = isSingleByteCharset(charset);
  }

  /** The text of `chunk`; a multibyte sequence cut at its end is kept for the next call. */
  decode(chunk: Uint8Array): string {
    if (this.#singleByte) return decodeCp1252(chunk);
    let bytes = chunk;
    if (this.#carry.length > 0) {
      bytes = Buffer.concat([this.#carry, chunk]);
      this.#carry = new Uint8Array(0);
    }
    const keep = incompleteTail(bytes);
    if (keep > 0) {
      this.#carry = bytes.slice(bytes.length - keep);
      bytes = bytes.subarray(0, bytes.length - keep);
    }
    if (!this.#started && bytes.length > 0) {
      this.#started = true;
      // A leading byte-order mark is not text.
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    return this.decodeSpan(bytes);
  }

  /**
   * The text of a span of the body that holds whole characters only (it starts and ends next to an
   * ASCII byte, e.g. one JSON value): decoded as decode() decodes it within the whole body, without
   * the carry between chunks and the byte-order mark of the body's start. Fallback bytes are counted.
   */
  decodeSpan(bytes: Uint8Array): string {
    if (this.#singleByte) return decodeCp1252(bytes);
    // Checked first: a throwing decode costs microseconds, and text batches decode element by element.
    return isUtf8(bytes) ? this.#utf8.decode(bytes) : this.#decodeMixed(bytes);
  }

  /** The end of the body: bytes still waiting for the rest of their sequence are not UTF-8. */
  end(): string {
    const rest = this.#carry;
    this.#carry = new Uint8Array(0);
    return rest.length === 0 ? '' : this.#decodeMixed(rest);
  }

  /** Valid UTF-8 sequences as UTF-8, every other byte as its Windows-1252 character. */
  #decodeMixed(bytes: Uint8Array): string {
    const parts: string[] = [];
    let runStart = 0;
    let i = 0;
    while (i < bytes.length) {
      const length = sequenceLength(bytes[i]!);
      if (length === 1) {
        i += 1;
        continue;
      }
      if (length > 0 && i + length <= bytes.length && isValidSequence(bytes, i, length)) {
        i += length;
        continue;
      }
      if (i > runStart) parts.push(this.#utf8.decode(bytes.subarray(runStart, i)));
      parts.push(cp1252Char(bytes[i]!));
      this.fallbackBytes += 1;
      i += 1;
      runStart = i;
    }
    if (runStart < bytes.length) parts.push(this.#utf8.decode(bytes.subarray(runStart)));
    return parts.join('');
  }
}

function decodeCp1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return /[\x80-\x9f]/.test(latin1)
    ? latin1.replace(/[\x80-\x9f]/g, (char) => cp1252Char(char.charCodeAt(0)))
    : latin1;
}
