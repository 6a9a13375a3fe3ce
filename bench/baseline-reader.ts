/**
 * The throughput baseline: the least a reader of the same windows must do. Fetches each window with
 * undici, parses the whole body with JSON.parse, writes one JSON.stringify line per record to
 * stdout (batched, as the connector batches), and says on stderr how many it wrote.
 *
 * Usage: node baseline-reader.js JOB.json, where JOB is
 * { "url": "http://127.0.0.1:PORT", "token": "...", "server": "0032",
 *   "windows": [{ "dateIni": "YYYYmmddHHiiss", "dateEnd": "YYYYmmddHHiiss" }, ...] }
 */
import { readFileSync, writeSync } from 'node:fs';
import { request } from 'undici';

export interface BaselineJob {
  url: string;
  token: string;
  server: string;
  windows: { dateIni: string; dateEnd: string }[];
}

export interface BaselineSummary {
  records: number;
  windows: number;
}

const API_PATH = '/api/v2/reports_manager.php';
const FLUSH_CHARS = 64 * 1024;

async function main(jobPath: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobPath, 'utf8')) as BaselineJob;
  const headers = { 'wolkvox-token': job.token, wolkvox_server: job.server };
  let records = 0;
  let pending = '';
  for (const window of job.windows) {
    const query = new URLSearchParams({ api: 'chat_9', date_ini: window.dateIni, date_end: window.dateEnd });
    const { statusCode, body } = await request(`${job.url}${API_PATH}?${query.toString()}`, { headers });
    const text = await body.text();
    if (statusCode !== 200)
      throw new Error(`HTTP ${statusCode} for ${query.toString()}: ${text.slice(0, 200)}`);
    const { data } = JSON.parse(text) as { data: unknown[] };
    for (const record of data) {
      pending += `${JSON.stringify(record)}\n`;
      if (pending.length >= FLUSH_CHARS) {
        writeSync(1, pending);
        pending = '';
      }
    }
    records += data.length;
  }
  if (pending !== '') writeSync(1, pending);
  const summary: BaselineSummary = { records, windows: job.windows.length };
  process.stderr.write(`${JSON.stringify(summary)}\n`);
}

const jobPath = process.argv[2];
if (jobPath === undefined) {
  process.stderr.write('usage: baseline-reader.js JOB.json\n');
  process.exitCode = 2;
} else {
  main(jobPath).catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  });
}
