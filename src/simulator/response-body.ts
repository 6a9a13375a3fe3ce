import { randomInt, type Random } from './random.js';
import type { IndexRange } from './transfer-store.js';
import { successBodyStart, SUCCESS_BODY_END, type Code } from './envelope.js';

/** The order records appear in the body; with more matches than the cap, the first `cap` of it are kept. */
export type RecordOrder = 'ascending' | 'descending' | 'random';

/** Which stored records a 200 answer carries, in body order. */
export interface Selection {
  count: number;
  /** Total records in the window before the cap cut it. */
  matched: number;
  indexAt(position: number): number;
}

/**
 * Applies the order, then the cap (silent truncation, as the docs imply). Random order is a seeded
 * shuffle, so a capped random answer is an arbitrary subset, as an SQL LIMIT without ORDER BY gives.
 */
export function selectRecords(range: IndexRange, cap: number, order: RecordOrder, random: Random): Selection {
  const matched = range.end - range.start;
  const count = Math.min(matched, cap);
  switch (order) {
    case 'ascending':
      return { count, matched, indexAt: (position) => range.start + position };
    case 'descending':
      return { count, matched, indexAt: (position) => range.end - 1 - position };
    case 'random': {
      // Partial Fisher-Yates: only the first `count` places need to be drawn.
      const shuffled = new Uint32Array(matched);
      for (let index = 0; index < matched; index++) shuffled[index] = range.start + index;
      for (let index = 0; index < count; index++) {
        const other = index + randomInt(random, matched - index);
        const kept = shuffled[other] as number;
        shuffled[other] = shuffled[index] as number;
        shuffled[index] = kept;
      }
      return { count, matched, indexAt: (position) => shuffled[position] as number };
    }
  }
}

/** Records by index as JSON text: the transfer store, or the rows of any other report. */
export interface RecordSource {
  jsonAt(index: number): string;
}

/** The pieces of a 200 body: envelope start, `data`, envelope end. */
export function* successPieces(
  store: RecordSource,
  selection: Selection,
  code: Code,
  singleObject: boolean,
): Generator<string> {
  yield successBodyStart(code, selection.count);
  if (singleObject && selection.count === 1) {
    yield store.jsonAt(selection.indexAt(0));
  } else {
    yield '[';
    for (let position = 0; position < selection.count; position++) {
      const json = store.jsonAt(selection.indexAt(position));
      yield position === 0 ? json : `,${json}`;
    }
    yield ']';
  }
  yield SUCCESS_BODY_END;
}

/**
 * Keeps the pieces before piece number `cutPiece` and the first half of that one: a body that
 * stops mid-way, whatever the cut, is never valid JSON.
 */
export function* cutPieces(pieces: Iterable<string>, cutPiece: number): Generator<string> {
  let position = 0;
  for (const piece of pieces) {
    if (position++ === cutPiece) {
      yield piece.slice(0, Math.floor(piece.length / 2));
      return;
    }
    yield piece;
  }
}

/** Groups small pieces into chunks of at least `chunkChars` characters (the last may be shorter). */
export function* inChunks(pieces: Iterable<string>, chunkChars: number): Generator<string> {
  let buffer = '';
  for (const piece of pieces) {
    buffer += piece;
    if (buffer.length >= chunkChars) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer !== '') yield buffer;
}
