import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyTextDecoder, charsetOf } from './charset.js';

function decodeInChunks(bytes: Uint8Array, cuts: number[], charset?: string) {
  const decoder = new BodyTextDecoder(charset);
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  let text = '';
  let from = 0;
  for (const point of [...points, bytes.length]) {
    text += decoder.decode(bytes.subarray(from, point));
    from = point;
  }
  return { text: text + decoder.end(), fallbackBytes: decoder.fallbackBytes };
}

describe('BodyTextDecoder', () => {
  it('gives the same text for any cutting of the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
        expect(decodeInChunks(bytes, cuts)).toEqual(decodeInChunks(bytes, []));
      }),
      { numRuns: 500 },
    );
  });

  it('decodeSpan reads a span between ASCII bytes as the whole body reads it, byte-order mark included', () => {
    const span = fc.uint8Array({ maxLength: 30 });
    fc.assert(
      fc.property(span, span, span, (before, middle, after) => {
        const ascii = Buffer.from('{');
        const whole = decodeInChunks(Buffer.concat([before, ascii, middle, ascii, after]), []);
        const alone = decodeInChunks(Buffer.concat([before, ascii]), []).text.length;
        const decoder = new BodyTextDecoder(undefined);
        const text = decoder.decodeSpan(Buffer.concat([ascii, middle, ascii]));
        expect(whole.text.slice(alone - 1, alone - 1 + text.length)).toBe(text);
        expect(decoder.fallbackBytes).toBe(decodeInChunks(middle, []).fallbackBytes);
      }),
      { numRuns: 500 },
    );
    expect(new BodyTextDecoder(undefined).decodeSpan(Buffer.from('\ufeff{}'))).toBe('\ufeff{}');
    expect(new BodyTextDecoder('latin1').decodeSpan(Buffer.from([0x80, 0xf1]))).toBe('€ñ');
  });

  it('decodes valid UTF-8 exactly as UTF-8, counting nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.array(fc.nat(), { maxLength: 8 }), (text, cuts) => {
        expect(decodeInChunks(Buffer.from(text), cuts)).toEqual({ text, fallbackBytes: 0 });
      }),
      { numRuns: 300 },
    );
  });

  it('reads each byte that is not valid UTF-8 as its Windows-1252 character, and counts it', () => {
    // 0xE9 é, 0x80 €, 0xC3 alone (a lead byte with no continuation), 0xED 0xA0 0x80 (a surrogate).
    const bytes = Buffer.from([0x43, 0xe9, 0x20, 0x80, 0x20, 0xc3, 0x41, 0xed, 0xa0, 0x80]);
    expect(decodeInChunks(bytes, [])).toEqual({ text: 'Cé € ÃAí\u00a0€', fallbackBytes: 6 });
  });

  it('drops a leading byte-order mark only', () => {
    expect(decodeInChunks(Buffer.from('\ufeffa\ufeff'), [1, 2])).toEqual({
      text: 'a\ufeff',
      fallbackBytes: 0,
    });
  });

  it.each(['iso-8859-1', 'latin1', 'windows-1252', 'cp1252'])(
    'decodes a declared %s as Windows-1252',
    (charset) => {
      const bytes = Buffer.from([0x50, 0x65, 0xf1, 0x61, 0x20, 0x80, 0x99, 0xc3, 0xb1]);
      expect(decodeInChunks(bytes, [3], charset)).toEqual({ text: 'Peña €™Ã±', fallbackBytes: 0 });
    },
  );
});

describe('charsetOf', () => {
  it.each([
    ['application/json; charset=ISO-8859-1', 'iso-8859-1'],
    ['text/html;charset="windows-1252"', 'windows-1252'],
    ['application/json', undefined],
    [undefined, undefined],
  ])('%j -> %j', (header, charset) => {
    expect(charsetOf(header)).toBe(charset);
  });
});
