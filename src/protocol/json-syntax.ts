/**
 * Where a JSON text first breaks the grammar, as line and column, so that an error about an input
 * file can point at the spot without quoting it (a config file holds the token; JSON.parse's own
 * messages quote the text around the error).
 */

export interface TextPosition {
  /** From 1. */
  line: number;
  /** From 1, in UTF-16 code units. */
  column: number;
}

class SyntaxStop extends Error {
  constructor(readonly offset: number) {
    super(`invalid JSON at ${offset}`);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;
const ESCAPABLE = '"\\/bfnrt';

/** Offset of the first character that makes `text` invalid JSON (text.length when it ends early); -1 when valid. */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  const stop = (): never => {
    throw new SyntaxStop(i);
  };
  const skipSpace = () => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
    }
  };
  const expect = (char: string) => {
    if (text[i] !== char) stop();
    i++;
  };
  const string = () => {
    expect('"');
    for (;;) {
      if (i >= n) stop();
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) stop();
      if (c === 0x5c) {
        i++;
        if (text[i] === 'u') {
          i++;
          HEX4.lastIndex = i;
          if (!HEX4.test(text)) stop();
          i += 4;
          continue;
        }
        if (i >= n || !ESCAPABLE.includes(text[i]!)) stop();
      }
      i++;
    }
  };
  const literal = (word: string) => {
    if (!text.startsWith(word, i)) stop();
    i += word.length;
  };
  const value = (depth: number): void => {
    if (depth > 500) stop();
    skipSpace();
    const c = text[i];
    if (c === '{') {
      i++;
      skipSpace();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skipSpace();
        string();
        skipSpace();
        expect(':');
        value(depth + 1);
        skipSpace();
        if (text[i] === ',') i++;
        else return expect('}');
      }
    }
    if (c === '[') {
      i++;
      skipSpace();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        skipSpace();
        if (text[i] === ',') i++;
        else return expect(']');
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    NUMBER.lastIndex = i;
    if (c === undefined || !NUMBER.test(text)) stop();
    i = NUMBER.lastIndex;
  };
  try {
    value(0);
    skipSpace();
    if (i < n) stop();
    return -1;
  } catch (error) {
    if (error instanceof SyntaxStop) return error.offset;
    throw error;
  }
}

/** Line and column (both from 1) of `offset` in `text`. */
export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
