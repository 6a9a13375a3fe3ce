import { shapedRecord } from './shaped-record.js';
import type { ConnectorConfig } from '../src/config/config.js';
import { syncStream, type SyncSummary } from '../src/sync/read-stream.js';
import { transfers } from '../src/streams/transfers.js';
import { OffsetFormatter } from '../src/time/zone.js';
import { parseLocal, type LocalSeconds } from '../src/time/local-time.js';
import type { ReportsClient } from '../src/wolkvox/types.js';
import type { FakeRow } from './fake-reports-client.js';
import { withOccurrenceIds } from './occurrence-ids.js';
import { RecordingOutput } from './recording-output.js';

/** An instant well after every test dataset (epoch ms). */
export const LATER = Date.UTC(2027, 0, 1);

export interface SyncRun {
  output: RecordingOutput;
  summary: SyncSummary;
}

export async function runSync(
  client: ReportsClient,
  config: ConnectorConfig,
  options: {
    state?: unknown;
    syncMode?: 'full_refresh' | 'incremental';
    now?: number;
    output?: RecordingOutput;
  } = {},
): Promise<SyncRun> {
  const output = options.output ?? new RecordingOutput();
  const summary = await syncStream({
    stream: transfers,
    client,
    config,
    syncMode: options.syncMode ?? 'incremental',
    state: options.state,
    output,
    now: () => options.now ?? LATER,
  });
  return { output, summary };
}

/** Records as comparable strings, sorted: equal arrays mean equal multisets. */
export function multiset(records: Record<string, unknown>[]): string[] {
  return records.map((record) => JSON.stringify(record)).sort();
}

/** What a sync of [from, to] must deliver: rows dated inside it, and undated rows filed inside it. */
export function expectedRecords(
  rows: FakeRow[],
  from: LocalSeconds,
  to: LocalSeconds,
  timezone = 'America/Bogota',
): string[] {
  const offsets = new OffsetFormatter(timezone);
  const inside = rows.filter((row) => {
    const date = typeof row.raw.date === 'string' ? parseLocal(row.raw.date) : undefined;
    return (date ?? row.second) >= from && (date ?? row.second) <= to;
  });
  const records = inside.map((row) => shapedRecord(transfers, row.raw, offsets).record);
  const ids = withOccurrenceIds(records.map((record) => record.id as string));
  return multiset(records.map((record, index) => ({ ...record, id: ids[index] })));
}
