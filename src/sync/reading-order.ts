import type { ConnectorConfig } from '../config/config.js';
import { ConfigError } from '../errors/index.js';
import type { SourcePartition, SourceStream } from '../streams/index.js';
import { formatLocal, SECONDS_PER_DAY, type LocalSeconds } from '../time/local-time.js';
import { parseAggregateState } from './aggregate-stream.js';
import { partitionStates } from './source-stream-sync.js';
import { parseStreamState } from './stream-state.js';

/** A stream of the catalog to read: the source's stream (undefined when it has none of that name) and its input. */
export interface StreamToRead {
  name: string;
  stream: SourceStream | undefined;
  syncMode: 'full_refresh' | 'incremental';
  /** The stream_state handed in, or undefined. */
  state: unknown;
}

/**
 * A stream placed in the reading order: `stream` has its partitions furthest behind first, and
 * `positions` gives each one's position (same order). `position` is the least advanced partition's;
 * -Infinity for a name the source does not have (it fails at once, without a call).
 */
export type PlacedStream<T extends StreamToRead> = T & {
  position: LocalSeconds;
  positions: LocalSeconds[];
};

/**
 * Where one partition stands, from its input state, as LocalSeconds: every row before it was read.
 * An event stream's cursor (`date`); the day after an aggregate's `report_date`, or `end` once that
 * day is not over by `end` (caught up: only the days it re-reads and the running day are left, which
 * every sync reads again, so it goes after every stream with something new to read); start_date without a
 * state this sync resumes (none, a full refresh not in progress, or a state it refuses: such a stream
 * fails at once, without a call, when read). Never before start_date. `end`: the last second this
 * sync reads (end_date, or now in the operation's zone).
 */
export function partitionPosition(
  stream: SourceStream,
  syncMode: StreamToRead['syncMode'],
  state: unknown,
  config: ConnectorConfig,
  end: LocalSeconds,
): LocalSeconds {
  const start = config.startDate;
  try {
    if (stream.kind === 'event') {
      const saved = parseStreamState(stream.name, state);
      if (saved === undefined || (syncMode === 'full_refresh' && saved.fullRefreshInProgress !== true))
        return start;
      return Math.max(start, saved.cursor);
    }
    const saved = parseAggregateState(stream.name, state);
    if (saved === undefined || (syncMode === 'full_refresh' && !saved.fullRefreshInProgress)) return start;
    const next = saved.day + SECONDS_PER_DAY;
    // Caught up: the next day is not over by the end of this sync (today's running day, or past end_date).
    if (next + SECONDS_PER_DAY - 1 > end) return Math.max(start, end);
    return Math.max(start, next);
  } catch (error) {
    if (error instanceof ConfigError) return start;
    throw error;
  }
}

/** `items` sorted by `position`, smallest first; equal positions keep their order. */
function furthestBehindFirst<T>(items: readonly T[], position: (item: T) => LocalSeconds): T[] {
  return items
    .map((item, index) => ({ item, index, at: position(item) }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map(({ item }) => item);
}

function place<T extends StreamToRead>(
  entry: T,
  config: ConnectorConfig,
  end: LocalSeconds,
): PlacedStream<T> {
  const { stream } = entry;
  if (stream === undefined) return { ...entry, position: -Infinity, positions: [] };
  const partitioned = stream.partitions.some((partition) => partition.value !== undefined);
  let states: Record<string, unknown> = {};
  try {
    states = partitioned ? partitionStates(stream.name, entry.state) : {};
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
  }
  const positionOf = (partition: SourcePartition): LocalSeconds =>
    partitionPosition(
      stream,
      entry.syncMode,
      partition.value === undefined ? entry.state : states[partition.value],
      config,
      end,
    );
  const partitions = furthestBehindFirst(stream.partitions, positionOf);
  const positions = partitions.map(positionOf);
  return { ...entry, stream: { ...stream, partitions }, position: Math.min(...positions), positions };
}

/**
 * The order in which a sync with a call budget reads the catalog: the streams furthest behind first,
 * and inside a partitioned stream the partitions furthest behind first (see `partitionPosition`; a
 * stream's position is its least advanced partition's), equal positions in catalog order. So the
 * streams a budget stopped short are read first next time, and each sync moves the furthest behind.
 * `end`: the last second this sync reads (end_date, or now in the operation's zone). Throws nothing.
 */
export function budgetReadingOrder<T extends StreamToRead>(
  entries: readonly T[],
  config: ConnectorConfig,
  end: LocalSeconds,
): PlacedStream<T>[] {
  return furthestBehindFirst(
    entries.map((entry) => place(entry, config, end)),
    (entry) => entry.position,
  );
}

/**
 * The INFO line that gives the reading order under a call budget, each stream (and partition) with
 * the local time it has read up to, e.g. `... first: transfers (2026-03-02 00:00:00), skill_x
 * (skill_id 103 2026-03-02 00:00:00, skill_id 101 2026-03-04 00:00:00).`
 */
export function readingOrderLine(placed: readonly PlacedStream<StreamToRead>[], budget: number): string {
  const streams = placed.flatMap(({ stream, positions }) => {
    if (stream === undefined) return [];
    const parts = stream.partitions.map((partition, index) => {
      const [parameter] = Object.entries(partition.params ?? {});
      const at = formatLocal(positions[index]!);
      return parameter === undefined ? at : `${parameter[0]} ${parameter[1]} ${at}`;
    });
    return [`${stream.name} (${parts.join(', ')})`];
  });
  return (
    `Call budget of ${budget} API calls: the streams furthest behind are read first (each with the time ` +
    `its state has read up to): ${streams.join(', ')}.`
  );
}
