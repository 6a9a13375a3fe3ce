import type { RawRecord, RestartInfo, WindowEvent, WindowResult } from '../src/wolkvox/types.js';

/** Keeps everything a window's response yields, for client tests. */
export function recordingSink(): {
  records: RawRecord[];
  restarts: RestartInfo[];
  /** Pulls `response` to its end; resolves with the call's result. */
  drain: (response: AsyncIterable<WindowEvent<RawRecord[]>>) => Promise<WindowResult>;
} {
  const records: RawRecord[] = [];
  const restarts: RestartInfo[] = [];
  const drain = async (response: AsyncIterable<WindowEvent<RawRecord[]>>): Promise<WindowResult> => {
    let result: WindowResult | undefined;
    for await (const event of response) {
      if (event.type === 'records') records.push(...event.records);
      else if (event.type === 'restart') restarts.push(event.info);
      else result = event.result;
    }
    if (result === undefined) throw new Error('the response ended without its result');
    return result;
  };
  return { records, restarts, drain };
}
