/**
 * Masks secret values in anything the connector prints. Secrets may reach text raw (an error
 * message) or JSON-escaped (inside a serialized message), and in any letter case (a server or proxy
 * may echo a token upper-cased), so every spelling is masked: one case-insensitive pattern (the
 * regexp `iu` flags), built once.
 */
export interface Redactor {
  /** `text` with MASK in place of every spelling of every secret. */
  (text: string): string;
  /**
   * The same masking over UTF-8 bytes (a chunk of whole lines): for valid UTF-8, always equal to
   * `Buffer.from(redactor(buffer.toString('utf8')))`. Returns `buffer` itself when no secret is in
   * it; otherwise a new Buffer (the input is never modified).
   */
  bytes(buffer: Buffer): Buffer;
}

export const MASK = '**********';

const SPECIAL = /[.*+?^${}()|[\]\\]/g;

function escapeForPattern(text: string): string {
  return text.replace(SPECIAL, '\\$&');
}

/** The shortest piece of a secret masked on its own where `fragments` is asked for. */
export const FRAGMENT_CHARS = 8;

/**
 * The ASCII characters that match a non-ASCII one under the regexp `iu` flags (Unicode simple case
 * folding), keyed by the lower-case letter: the Kelvin sign matches `k` and `K`, the long s matches
 * `s` and `S`. No other code point matches an ASCII character (the tests check every code point).
 */
export const NON_ASCII_CASE_VARIANTS: Readonly<Record<string, string>> = { k: '\u212a', s: '\u017f' };

/**
 * Bytes searched per piece of a chunk (plus the overlap a match can span): a piece's text stays far
 * below V8's large-object size (128 KiB), past which making and searching it costs 30 times more.
 */
export const SCAN_BYTES = 32 * 1024;

const ASCII_ONLY = /^[\0-\x7f]*$/;

/**
 * A redactor for `secrets`. With `fragments`, every piece of a secret of FRAGMENT_CHARS characters or
 * more is masked too: for text a server wrote (an error body may echo part of the token). Records
 * use the whole-secret form, which costs one pattern match per line.
 */
export function createRedactor(secrets: readonly string[], { fragments = false } = {}): Redactor {
  const needles = new Set<string>();
  const add = (text: string) => {
    needles.add(text);
    needles.add(JSON.stringify(text).slice(1, -1));
  };
  for (const secret of secrets) {
    // Very short values would mask ordinary text everywhere and protect nothing.
    if (secret.length < 4) continue;
    add(secret);
    if (!fragments) continue;
    for (let length = FRAGMENT_CHARS; length < secret.length; length++) {
      for (let start = 0; start + length <= secret.length; start++) add(secret.slice(start, start + length));
    }
  }
  if (needles.size === 0) return Object.assign((text: string) => text, { bytes: (buffer: Buffer) => buffer });
  // Longest first, so a secret that contains another is masked whole.
  const sorted = [...needles].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(sorted.map(escapeForPattern).join('|'), 'giu');
  const redact = (text: string) => text.replace(pattern, MASK);
  return Object.assign(redact, { bytes: byteRedactor(sorted, redact) });
}

/**
 * The byte form of `redact`, whose pattern is `needles`. Decoding every chunk to mask it as text
 * would cost more than writing it, so chunks are first searched as bytes: when every needle is ASCII,
 * a case-insensitive pattern without the `u` flag over the chunk's Latin-1 text (one character per
 * byte) finds every place the text pattern could match, plus a few it could not (it also folds
 * Latin-1 letters, which are harmless there). Only a chunk where it finds something is decoded,
 * masked as text and encoded again. A needle with a non-ASCII character sends every chunk that way.
 */
function byteRedactor(
  needles: readonly string[],
  redact: (text: string) => string,
): (buffer: Buffer) => Buffer {
  const asText = (buffer: Buffer) => {
    const text = buffer.toString('utf8');
    const masked = redact(text);
    return masked === text ? buffer : Buffer.from(masked);
  };
  if (!needles.every((needle) => ASCII_ONLY.test(needle))) return asText;
  const bytePattern = (needle: string) =>
    [...needle]
      .map((char) => {
        const variant = NON_ASCII_CASE_VARIANTS[char.toLowerCase()];
        const literal = escapeForPattern(char);
        return variant === undefined ? literal : `(?:${literal}|${Buffer.from(variant).toString('latin1')})`;
      })
      .join('');
  const search = new RegExp(needles.map(bytePattern).join('|'), 'i');
  // The most bytes one match spans (a character's variant takes at most 3 bytes): pieces overlap by
  // that much, so every match lies whole inside one piece.
  const reach = 3 * Math.max(...needles.map((needle) => needle.length));
  return (buffer) => {
    for (let start = 0; start < buffer.length; start += SCAN_BYTES) {
      const piece = buffer.toString('latin1', start, Math.min(buffer.length, start + SCAN_BYTES + reach));
      if (search.test(piece)) return asText(buffer);
    }
    return buffer;
  };
}
