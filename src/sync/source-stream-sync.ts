import { eventPartitionStream, partitionLabel, type SourceStream } from '../streams/index.js';
import { syncAggregateStream } from './aggregate-stream.js';
import type { RecordWriter, SyncOutput } from './output.js';
import { syncStream, type SyncParams } from './read-stream.js';
import { FULL_REFRESH_COMPLETE, stateShape, unusable } from './stream-state.js';

/** The event engine's parameters, for a catalog stream (event or aggregate, maybe partitioned). */
export interface SourceSyncParams extends Omit<SyncParams, 'stream'> {
  stream: SourceStream;
}

export interface SourceSyncSummary {
  records: number;
  /** API calls this stream made, retries included. */
  calls: number;
  /** The per-sync call budget stopped the stream (later partitions were not read). */
  budgetExhausted: boolean;
  /** Fields Wolkvox sent that the schema does not declare, passed through. */
  undeclared: string[];
}

/**
 * The stream_state of a partitioned stream: `{ "partitions": { "<value>": <the partition's state> } }`.
 * Nothing, `{}` and the finished-full-refresh marker mean "no state". Throws ConfigError otherwise.
 */
export function partitionStates(stream: string, state: unknown): Record<string, unknown> {
  if (state === undefined || state === null) return {};
  if (!isObject(state)) throw unusable(stream, `it must be a JSON object, got ${JSON.stringify(state)}`);
  if (Object.keys(state).length === 0 || isFullRefreshComplete(state)) return {};
  const partitions = state.partitions;
  if (partitions === undefined)
    throw unusable(
      stream,
      `a partitioned stream's state is {"partitions": {"<parameter value>": <its state>}}, got ${stateShape(state)}`,
    );
  if (!isObject(partitions))
    throw unusable(
      stream,
      `"partitions" must be an object by parameter value, got ${JSON.stringify(partitions)}`,
    );
  return { ...partitions };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFullRefreshComplete(state: unknown): boolean {
  return (
    isObject(state) &&
    state.__ab_full_refresh_sync_complete === FULL_REFRESH_COMPLETE.__ab_full_refresh_sync_complete
  );
}

/** One partition's output: its states become the stream's state, with the other partitions' states kept. */
class PartitionOutput implements SyncOutput {
  constructor(
    private readonly stream: SyncOutput,
    private readonly states: Record<string, unknown>,
    private readonly value: string,
  ) {}

  get records(): RecordWriter {
    return this.stream.records;
  }

  endRecordBatch(): void | Promise<void> {
    return this.stream.endRecordBatch();
  }

  state(streamState: Record<string, unknown>, recordCount: number): void | Promise<void> {
    this.states[this.value] = streamState;
    return this.stream.state({ partitions: { ...this.states } }, recordCount);
  }

  log(level: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG', message: string): void {
    this.stream.log(level, message);
  }

  estimate(rowEstimate: number): void {
    this.stream.estimate(rowEstimate);
  }
}

/**
 * Reads one stream of the catalog: its partitions one after another (each with its own state, see
 * `partitionStates`), events through `syncStream`, aggregates through `syncAggregateStream`. Logs
 * once, at WARN, the names of the fields Wolkvox sent that the schema does not declare. A call budget
 * spent in an incremental sync ends the stream cleanly (the partitions not read keep their state).
 * Throws what those engines throw.
 */
export async function syncSourceStream(params: SourceSyncParams): Promise<SourceSyncSummary> {
  const { stream, client, config, syncMode, output, now } = params;
  const undeclared = new Set<string>();
  const onUndeclared = (names: readonly string[]): void => names.forEach((name) => undeclared.add(name));
  const partitioned = stream.partitions.some((partition) => partition.value !== undefined);
  const states = partitioned ? partitionStates(stream.name, params.state) : undefined;
  // A full refresh in progress resumes: the partitions it finished are not read again.
  const resuming =
    syncMode === 'full_refresh' &&
    Object.values(states ?? {}).some((state) => isObject(state) && state.full_refresh_in_progress === true);
  const callsAtStart = client.callsMade;
  let records = 0;
  let budgetExhausted = false;
  try {
    for (const partition of stream.partitions) {
      const value = partition.value;
      if (resuming && value !== undefined && isFullRefreshComplete(states?.[value])) continue;
      const partitionOutput =
        states === undefined || value === undefined ? output : new PartitionOutput(output, states, value);
      const state = states === undefined || value === undefined ? params.state : states[value];
      const common = { client, config, syncMode, state, output: partitionOutput, now };
      const summary =
        stream.definition === undefined || stream.definition.kind === 'event'
          ? await syncStream({ ...common, stream: eventPartitionStream(stream, partition, onUndeclared) })
          : await syncAggregateStream({
              ...common,
              definition: stream.definition,
              label: partitionLabel(stream, partition),
              partition: value,
              params: partition.params,
              onUndeclared,
            });
      records += summary.records;
      if (summary.budgetExhausted) {
        budgetExhausted = true;
        break;
      }
    }
  } finally {
    if (undeclared.size > 0) {
      output.log(
        'WARN',
        `${stream.name}: Wolkvox sent fields that the stream's schema does not declare: ${[...undeclared].join(', ')}. ` +
          'They are passed through unchanged in each record; a destination that drops undeclared columns loses them.',
      );
    }
  }
  return { records, calls: client.callsMade - callsAtStart, budgetExhausted, undeclared: [...undeclared] };
}
