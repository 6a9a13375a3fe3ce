import type { RawRecord, RecordSink, RestartInfo } from '../src/wolkvox/types.js';

/** A RecordSink that keeps everything it is handed, for client tests. */
export function recordingSink(): { records: RawRecord[]; restarts: RestartInfo[]; sink: RecordSink } {
  const records: RawRecord[] = [];
  const restarts: RestartInfo[] = [];
  return {
    records,
    restarts,
    sink: {
      onRecord: (record) => void records.push(record),
      onRestart: (info) => void restarts.push(info),
    },
  };
}
