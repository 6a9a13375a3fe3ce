import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { StreamStateMessage } from '../protocol/messages.js';
import { ReadProgress } from './progress.js';
import { runCli, type CliRun } from './run-cli.js';
import type { TransferTally } from './summary.js';
import { addId, type IdCounts } from './verify.js';

export interface SyncRead {
  run: CliRun;
  records: number;
  ids: IdCounts;
  /** Per stream the last STATE's `state`: what Airbyte would pass to the next sync. */
  lastStates: StreamStateMessage[];
  stateCount: number;
}

/** Runs `read`, streaming its records to `recordsPath` (one record's data per line) while showing progress. */
export async function readSync(
  label: string,
  args: string[],
  recordsPath: string,
  tally: TransferTally,
): Promise<SyncRead> {
  const out = createWriteStream(recordsPath);
  const progress = new ReadProgress(label);
  const ids: IdCounts = new Map();
  let records = 0;
  const run = await runCli(['read', ...args], (message) => {
    progress.observe(message);
    if (message.type !== 'RECORD') return;
    const data = message.record.data;
    records++;
    addId(ids, String(data.id));
    tally.add(data);
    if (!out.write(`${JSON.stringify(data)}\n`)) return once(out, 'drain').then(() => undefined);
  });
  progress.finish();
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );

  const lastByStream = new Map<string, StreamStateMessage>();
  let stateCount = 0;
  for (const message of run.messages) {
    if (message.type !== 'STATE') continue;
    stateCount++;
    lastByStream.set(message.state.stream.stream_descriptor.name, message.state);
  }
  return { run, records, ids, lastStates: [...lastByStream.values()], stateCount };
}
