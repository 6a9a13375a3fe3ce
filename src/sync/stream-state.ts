import { ConfigError } from '../errors/index.js';
import { formatLocal, parseLocal, type LocalSeconds } from '../time/local-time.js';

/**
 * Where a stream resumes: every record dated before `cursor` is delivered, and so are the records
 * dated exactly `cursor` whose ids are in `idsAtCursor` (a multiset: identical rows share an id).
 */
export interface Checkpoint {
  cursor: LocalSeconds;
  idsAtCursor: string[];
}

/** The stream_state JSON: `{"date": "YYYY-MM-DD HH:MM:SS", "ids_at_date": [...]}`. */
export function toStreamState(checkpoint: Checkpoint): { date: string; ids_at_date: string[] } {
  return { date: formatLocal(checkpoint.cursor), ids_at_date: [...checkpoint.idsAtCursor].sort() };
}

export function sameCheckpoint(a: Checkpoint, b: Checkpoint): boolean {
  const idsA = [...a.idsAtCursor].sort();
  const idsB = [...b.idsAtCursor].sort();
  return (
    a.cursor === b.cursor && idsA.length === idsB.length && idsA.every((id, index) => id === idsB[index])
  );
}

function unusable(stream: string, problem: string): ConfigError {
  return new ConfigError(
    `The saved state of stream "${stream}" is unusable: ${problem}. ` +
      'Reset (clear) the data of this stream in Airbyte so that it is read again from start_date.',
  );
}

/**
 * Reads the incoming stream_state. Nothing (or an empty object) means "no state"; anything else
 * must have the shape this connector writes, or the sync stops with a ConfigError.
 */
export function parseStreamState(stream: string, state: unknown): Checkpoint | undefined {
  if (state === undefined || state === null) return undefined;
  if (typeof state !== 'object' || Array.isArray(state)) {
    throw unusable(stream, `it must be a JSON object, got ${JSON.stringify(state)}`);
  }
  const fields = state as Record<string, unknown>;
  if (Object.keys(fields).length === 0) return undefined;
  const date = fields.date;
  const cursor = typeof date === 'string' ? parseLocal(date) : undefined;
  if (cursor === undefined) {
    throw unusable(stream, `"date" must be a date "YYYY-MM-DD HH:MM:SS", got ${JSON.stringify(date)}`);
  }
  const ids = fields.ids_at_date ?? [];
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
    throw unusable(stream, `"ids_at_date" must be a list of record ids, got ${JSON.stringify(ids)}`);
  }
  return { cursor, idsAtCursor: ids as string[] };
}
