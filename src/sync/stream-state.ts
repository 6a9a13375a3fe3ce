import { ConfigError } from '../errors/index.js';
import { formatLocal, parseLocal, type LocalSeconds } from '../time/local-time.js';

/**
 * Where a stream resumes.
 * - `cursor`: every record dated before it was delivered (later syncs re-read only the settle span).
 * - `settledFrom` (≤ cursor): `delivered` lists every delivered record a request starting at
 *   `settledFrom` or later can return; the next sync reads from there and skips those ids, so a record
 *   that appears late in that span arrives, and nothing arrives twice.
 * - `nextWindow`: the window a sync stopped in (a split in progress at its call budget): the next sync
 *   reads it after the settled span, so that each sync under a budget makes progress.
 * - `fullRefreshInProgress`: written by a full refresh that has not finished (resumable full refresh).
 */
export interface Checkpoint {
  cursor: LocalSeconds;
  settledFrom: LocalSeconds;
  /** Record id and the last second at which a request can return it. */
  delivered: [string, LocalSeconds][];
  nextWindow?: { from: LocalSeconds; to: LocalSeconds } | undefined;
  fullRefreshInProgress?: boolean;
}

/** The stream_state JSON this connector writes. */
export type StreamStateJson = {
  date: string;
  settled_from: string;
  /** Ids by the last second ("YYYY-MM-DD HH:MM:SS") at which a request can return them. */
  delivered_ids: Record<string, string[]>;
  next_window?: { from: string; to: string };
  full_refresh_in_progress?: true;
};

/**
 * The state a finished full refresh leaves (the Airbyte CDK's marker for resumable full refresh): the
 * next full refresh starts over from start_date.
 */
export const FULL_REFRESH_COMPLETE = { __ab_full_refresh_sync_complete: true } as const;

/** The stream_state JSON of a checkpoint; `grouped` is the delivered ids grouped by their second. */
export function toStreamState(
  checkpoint: Omit<Checkpoint, 'delivered'>,
  grouped: [LocalSeconds, string[]][],
): StreamStateJson {
  const state: StreamStateJson = {
    date: formatLocal(checkpoint.cursor),
    settled_from: formatLocal(checkpoint.settledFrom),
    delivered_ids: Object.fromEntries(grouped.map(([second, ids]) => [formatLocal(second), ids])),
  };
  const next = checkpoint.nextWindow;
  if (next !== undefined) state.next_window = { from: formatLocal(next.from), to: formatLocal(next.to) };
  if (checkpoint.fullRefreshInProgress) state.full_refresh_in_progress = true;
  return state;
}

/** The ConfigError of a saved state this connector cannot use: names the stream, the problem and the fix. */
export function unusable(stream: string, problem: string): ConfigError {
  return new ConfigError(
    `The saved state of stream "${stream}" is unusable: ${problem}. ` +
      'Reset (clear) the data of this stream in Airbyte so that it is read again from start_date, or ' +
      "correct the stream's state in the connection's settings.",
  );
}

/**
 * What a state object holds, for the messages of `unusable`: its keys (the first five) and, when they
 * are those of a state this connector writes, its kind, e.g. `an object with the keys "date",
 * "settled_from", "delivered_ids" (an event stream's state)`. The values are left out (ids can be many).
 */
export function stateShape(state: Record<string, unknown>): string {
  const keys = Object.keys(state);
  const kind =
    'partitions' in state
      ? " (a partitioned stream's state)"
      : 'report_date' in state
        ? " (an aggregate stream's state)"
        : 'date' in state
          ? " (an event stream's state)"
          : '';
  const listed = keys.slice(0, 5).map((key) => JSON.stringify(key));
  if (keys.length > 5) listed.push('…');
  return `an object with the key${keys.length === 1 ? '' : 's'} ${listed.join(', ')}${kind}`;
}

function parseDate(stream: string, field: string, value: unknown): LocalSeconds {
  const seconds = typeof value === 'string' ? parseLocal(value) : undefined;
  if (seconds === undefined) {
    throw unusable(stream, `"${field}" must be a date "YYYY-MM-DD HH:MM:SS", got ${JSON.stringify(value)}`);
  }
  return seconds;
}

function parseIds(stream: string, field: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((id) => typeof id === 'string')) {
    throw unusable(stream, `"${field}" must be a list of record ids, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Reads the incoming stream_state. Nothing, an empty object or the finished-full-refresh marker mean
 * "no state". The first release's `{date, ids_at_date}` is read as a state settled from `date`.
 * Anything else must have the shape this connector writes. Throws ConfigError naming the problem.
 */
export function parseStreamState(stream: string, state: unknown): Checkpoint | undefined {
  if (state === undefined || state === null) return undefined;
  if (typeof state !== 'object' || Array.isArray(state)) {
    throw unusable(stream, `it must be a JSON object, got ${JSON.stringify(state)}`);
  }
  const fields = state as Record<string, unknown>;
  if (Object.keys(fields).length === 0 || fields.__ab_full_refresh_sync_complete === true) return undefined;
  if (fields.date === undefined) {
    throw unusable(
      stream,
      'an event stream\'s state is {"date": "YYYY-MM-DD HH:MM:SS", "settled_from": ..., "delivered_ids": {...}}, ' +
        `got ${stateShape(fields)}`,
    );
  }
  const cursor = parseDate(stream, 'date', fields.date);
  if (fields.settled_from === undefined) {
    const ids = parseIds(stream, 'ids_at_date', fields.ids_at_date ?? []);
    return { cursor, settledFrom: cursor, delivered: ids.map((id) => [id, cursor]) };
  }
  const settledFrom = parseDate(stream, 'settled_from', fields.settled_from);
  if (settledFrom > cursor) throw unusable(stream, '"settled_from" is after "date"');
  const groups = fields.delivered_ids ?? {};
  if (typeof groups !== 'object' || groups === null || Array.isArray(groups)) {
    throw unusable(stream, `"delivered_ids" must be an object, got ${JSON.stringify(groups)}`);
  }
  const delivered: [string, LocalSeconds][] = [];
  for (const [second, ids] of Object.entries(groups)) {
    const until = parseDate(stream, 'delivered_ids', second);
    for (const id of parseIds(stream, `delivered_ids.${second}`, ids)) delivered.push([id, until]);
  }
  let nextWindow: Checkpoint['nextWindow'];
  if (fields.next_window !== undefined) {
    const { from, to } = (fields.next_window ?? {}) as Record<string, unknown>;
    nextWindow = {
      from: parseDate(stream, 'next_window.from', from),
      to: parseDate(stream, 'next_window.to', to),
    };
    if (nextWindow.to < nextWindow.from || nextWindow.from < settledFrom) {
      throw unusable(stream, '"next_window" must be a range after "settled_from"');
    }
  }
  return {
    cursor,
    settledFrom,
    delivered,
    nextWindow,
    fullRefreshInProgress: fields.full_refresh_in_progress === true,
  };
}
