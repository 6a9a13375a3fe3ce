import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { StreamStateMessage } from '../protocol/messages.js';
import { ReadProgress } from './progress.js';
import { runCli, type CliRun } from './run-cli.js';
import { addId, type IdCounts } from './verify.js';

export interface SyncRead {
  run: CliRun;
  records: number;
  ids: IdCounts;
  /** Per stream the last STATE's `state`: what Airbyte would pass to the next sync. */
  lastStates: StreamStateMessage[];
  stateCount: number;
  /** STATE messages by stream. */
  statesByStream: Map<string, number>;
}

/**
 * Runs `read`, streaming its records to `recordsPath` while showing progress: one record's data per
 * line, or `{"stream", "data"}` per line when `withStream` (a read of several streams). `onRecord`
 * sees every record's stream and data.
 */
export async function readSync(
  label: string,
  args: string[],
  recordsPath: string,
  onRecord: (stream: string, data: Record<string, unknown>) => void,
  withStream = false,
): Promise<SyncRead> {
  const out = createWriteStream(recordsPath);
  const progress = new ReadProgress(label);
  const ids: IdCounts = new Map();
  let records = 0;
  const run = await runCli(['read', ...args], (message) => {
    progress.observe(message);
    if (message.type !== 'RECORD') return;
    const { stream, data } = message.record;
    records++;
    addId(ids, String(data.id));
    onRecord(stream, data);
    const line = JSON.stringify(withStream ? { stream, data } : data);
    if (!out.write(`${line}\n`)) return once(out, 'drain').then(() => undefined);
  });
  progress.finish();
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );

  const lastByStream = new Map<string, StreamStateMessage>();
  const statesByStream = new Map<string, number>();
  let stateCount = 0;
  for (const message of run.messages) {
    if (message.type !== 'STATE') continue;
    stateCount++;
    const stream = message.state.stream.stream_descriptor.name;
    lastByStream.set(stream, message.state);
    statesByStream.set(stream, (statesByStream.get(stream) ?? 0) + 1);
  }
  return { run, records, ids, lastStates: [...lastByStream.values()], stateCount, statesByStream };
}
