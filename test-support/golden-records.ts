import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { serveLocally, type LocalServer } from './local-server.js';

/**
 * The golden datasets of integration_tests/record-lines.test.ts: what the connector received (every
 * HTTP answer, in order) and what it printed (RECORD and STATE lines), recorded by
 * `npm run record:golden` (test-support/record-golden.ts) into test-support/golden/{name}.json.gz.
 */

/** test-support/golden/ */
export const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));

/** The names of the recorded datasets, one file each. */
export const GOLDEN_NAMES = ['simulator-new-york', 'simulator-santiago', 'adversarial-rows'] as const;
export type GoldenName = (typeof GOLDEN_NAMES)[number];

/** One HTTP answer the connector received. */
export interface RecordedExchange {
  /** The request's path and query as sent, e.g. "/api/v2/reports_manager.php?api=chat_9&date_ini=…". */
  query: string;
  status: number;
  /** The Content-Type header (it chooses the charset); absent when the server sent none. */
  contentType?: string;
  /** The body when its bytes are valid UTF-8, else `bodyBase64`. */
  body?: string;
  bodyBase64?: string;
}

export interface GoldenDataset {
  name: GoldenName;
  /** What the dataset covers, for a human reading the file. */
  description: string;
  /** The connector config, without `base_url` (the replay server's URL is added at run time). */
  config: Record<string, unknown>;
  /** The configured catalog passed to `read`. */
  catalog: unknown;
  exchanges: RecordedExchange[];
  /** The RECORD and STATE lines of stdout, in order, normalised by `protocolLines`. */
  lines: string[];
}

const EMITTED_AT = /,"emitted_at":\d+\}\}$/;

/**
 * The RECORD and STATE lines of the connector's stdout, in order, byte for byte except that each
 * RECORD's `emitted_at` (the only clock-dependent value, the last field of the line) becomes 0.
 * Throws when a RECORD line does not end with its `emitted_at`: the normalisation must never
 * silently leave a clock value in.
 */
export function protocolLines(stdout: string): string[] {
  const kept: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('{"type":"STATE"')) kept.push(line);
    else if (line.startsWith('{"type":"RECORD"')) {
      if (!EMITTED_AT.test(line))
        throw new Error(`RECORD line without a final emitted_at: ${line.slice(0, 200)}`);
      kept.push(line.replace(EMITTED_AT, ',"emitted_at":0}}'));
    }
  }
  return kept;
}

/** An exchange holding `bytes` as text when they are valid UTF-8 (readable in the file), else as base64. */
export function recordedExchange(
  query: string,
  status: number,
  contentType: string | undefined,
  bytes: Buffer,
): RecordedExchange {
  const text = bytes.toString('utf8');
  const exact = Buffer.from(text, 'utf8').equals(bytes);
  return {
    query,
    status,
    ...(contentType === undefined ? {} : { contentType }),
    ...(exact ? { body: text } : { bodyBase64: bytes.toString('base64') }),
  };
}

/** The body bytes of a recorded exchange. */
export function bodyBytes(exchange: RecordedExchange): Buffer {
  return exchange.body !== undefined
    ? Buffer.from(exchange.body, 'utf8')
    : Buffer.from(exchange.bodyBase64 ?? '', 'base64');
}

const goldenPath = (name: GoldenName) => `${GOLDEN_DIR}${name}.json.gz`;

/** Reads test-support/golden/{name}.json.gz. */
export function readGolden(name: GoldenName): GoldenDataset {
  return JSON.parse(gunzipSync(readFileSync(goldenPath(name))).toString('utf8')) as GoldenDataset;
}

/** Writes test-support/golden/{name}.json.gz; the same dataset always gives the same bytes. */
export function writeGolden(dataset: GoldenDataset): void {
  writeFileSync(goldenPath(dataset.name), gzipSync(JSON.stringify(dataset, null, 1), { level: 9 }));
}

/** Bytes per write of a replayed body, as the simulator streams its answers (64 Ki characters). */
const REPLAY_CHUNK_BYTES = 64 * 1024;

export interface ReplayServer extends LocalServer {
  /** Every request's path and query, in order of arrival. */
  readonly asked: string[];
  /** The requests no recorded exchange answered (each was answered 400, which stops the sync). */
  readonly notRecorded: string[];
}

/**
 * Serves `exchanges` on loopback: a request gets the next unused exchange recorded for exactly its
 * path and query (a query recorded twice is answered in recorded order), with the recorded status,
 * Content-Type and body bytes. Any other request is listed in `notRecorded` and answered 400 with a
 * Wolkvox-like error, a config error for the connector, which then stops.
 */
export async function serveRecorded(exchanges: readonly RecordedExchange[]): Promise<ReplayServer> {
  const asked: string[] = [];
  const notRecorded: string[] = [];
  const used = new Set<RecordedExchange>();
  const server = await serveLocally((request, response) => {
    const query = request.url ?? '';
    asked.push(query);
    const exchange = exchanges.find((candidate) => candidate.query === query && !used.has(candidate));
    if (!exchange) {
      notRecorded.push(query);
      response
        .writeHead(400, { 'content-type': 'application/json; charset=UTF-8' })
        .end(JSON.stringify({ code: 400, error: 'golden replay: query not recorded', msg: query }));
      return;
    }
    used.add(exchange);
    const body = bodyBytes(exchange);
    response.writeHead(exchange.status, exchange.contentType ? { 'content-type': exchange.contentType } : {});
    for (let start = 0; start < body.length; start += REPLAY_CHUNK_BYTES)
      response.write(body.subarray(start, start + REPLAY_CHUNK_BYTES));
    response.end();
  });
  return Object.assign(server, { asked, notRecorded });
}
