import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, MASK, NON_ASCII_CASE_VARIANTS, SCAN_BYTES } from './redact.js';

const SPECIAL = /[.*+?^${}()|[\]\\]/g;
const literal = (char: string) => char.replace(SPECIAL, '\\$&');

describe('case variants under the iu flags', () => {
  it('only k and s match a non-ASCII code point (the Kelvin sign, the long s): every code point checked', () => {
    const anyAscii = /[\0-\x7f]/iu;
    const found: Record<string, string> = {};
    for (let codePoint = 0x80; codePoint <= 0x10ffff; codePoint++) {
      const char = String.fromCodePoint(codePoint);
      if (!anyAscii.test(char)) continue;
      for (let ascii = 0; ascii < 0x80; ascii++) {
        const asciiChar = String.fromCharCode(ascii);
        if (new RegExp(literal(asciiChar), 'iu').test(char)) found[asciiChar] = char;
      }
    }
    expect(found).toEqual({ K: '\u212a', k: '\u212a', S: '\u017f', s: '\u017f' });
    expect(NON_ASCII_CASE_VARIANTS).toEqual({ k: '\u212a', s: '\u017f' });
  });

  it('between ASCII characters, the i flag alone matches exactly what iu matches', () => {
    for (let a = 0; a < 0x80; a++) {
      const withU = new RegExp(`^${literal(String.fromCharCode(a))}$`, 'iu');
      const withoutU = new RegExp(`^${literal(String.fromCharCode(a))}$`, 'i');
      for (let b = 0; b < 0x80; b++) {
        const char = String.fromCharCode(b);
        expect(withoutU.test(char)).toBe(withU.test(char));
      }
    }
  });
});

/** Characters secrets are made of: ASCII with the letters that have non-ASCII variants, escapes, non-ASCII. */
const SECRET_CHARS = [
  'k',
  'K',
  's',
  'S',
  'a',
  'Z',
  '0',
  '9',
  '-',
  '.',
  '"',
  '\\',
  '\t',
  'é',
  'ß',
  'İ',
  '\u212a',
  '\u017f',
  '😀',
];

/** Every spelling iu matches for `char`, as the test knows them (ASCII case pairs, Kelvin sign, long s). */
function spellings(char: string): string[] {
  const lower = char.toLowerCase();
  const forms = new Set([char, lower, char.toUpperCase()].filter((form) => [...form].length === 1));
  if (lower === 'k' || char === '\u212a') forms.add('k').add('K').add('\u212a');
  if (lower === 's' || char === '\u017f') forms.add('s').add('S').add('\u017f');
  return [...forms];
}

const secretArb = fc
  .array(fc.constantFrom(...SECRET_CHARS), { minLength: 4, maxLength: 12 })
  .map((chars) => chars.join(''));

/** Text made of random pieces and spellings of `secret` (raw or JSON-escaped, any case variant per character). */
function textAround(secret: string) {
  const spelled = fc
    .array(fc.nat(), { minLength: secret.length, maxLength: secret.length })
    .map((picks) =>
      [...secret].map((char, i) => spellings(char)[(picks[i] ?? 0) % spellings(char).length]).join(''),
    );
  const piece = fc.oneof(
    // Valid UTF-8 only: a lone surrogate becomes U+FFFD.
    fc.string({ unit: 'binary', maxLength: 12 }).map((text) => Buffer.from(text).toString()),
    fc.constantFrom('k', 'K', '\u212a', 's', 'S', '\u017f', 'Â', 'å', '\u0084', '\n'),
    spelled,
    spelled.map((text) => JSON.stringify(text).slice(1, -1)),
    // Most of a spelling: the part the byte search finds must not be taken for the whole.
    spelled.map((text) => [...text].slice(0, -1).join('')),
  );
  return fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));
}

describe('byte masking', () => {
  it('masks UTF-8 bytes exactly as the text redactor masks their text', () => {
    fc.assert(
      fc.property(
        secretArb.chain((secret) => fc.tuple(fc.constant(secret), textAround(secret), fc.boolean())),
        ([secret, text, fragments]) => {
          const redact = createRedactor([secret], { fragments });
          expect(redact.bytes(Buffer.from(text)).equals(Buffer.from(redact(text)))).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('hands back the same buffer when no secret is in it', () => {
    const clean = Buffer.from('{"type":"LOG","log":{"level":"INFO","message":"José read 12 records"}}\n');
    expect(createRedactor(['tok-Ks-123456']).bytes(clean)).toBe(clean);
    expect(createRedactor(['tók-ñ-123456']).bytes(clean)).toBe(clean);
    expect(createRedactor([]).bytes(clean)).toBe(clean);
  });

  it('finds a secret across the border of two searched pieces, even spelled with the longest variants', () => {
    const secret = 'kSsKkSsK';
    const redact = createRedactor([secret]);
    const spelled = '\u212a\u017f\u017f\u212a\u212a\u017f\u017f\u212a';
    const width = Buffer.byteLength(spelled);
    for (let at = SCAN_BYTES - width; at <= SCAN_BYTES; at++) {
      const text = `${'x'.repeat(at)}${spelled}${'y'.repeat(SCAN_BYTES)}`;
      expect(redact.bytes(Buffer.from(text)).toString()).toBe(
        `${'x'.repeat(at)}${MASK}${'y'.repeat(SCAN_BYTES)}`,
      );
    }
  });
});
