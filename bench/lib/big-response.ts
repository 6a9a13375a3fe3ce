import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { successBodyStart, SUCCESS_BODY_END } from '../../src/simulator/envelope.js';
import { header } from '../../src/simulator/http-io.js';
import { API_PATH, ReportsApi, TransferStore, type Agent } from '../../src/simulator/index.js';
import { serveAnswer } from '../../src/simulator/serve-answer.js';
import { parseLocal, SECONDS_PER_DAY, type LocalSeconds } from '../../src/time/local-time.js';
import { ByteCounter, FIRST_DAY } from './sim.js';

/**
 * One chat_9 answer as large as the API allows: `records` transfers in a single day whose agents
 * have very long names, so the body weighs `targetBytes` with fewer records than the 60,000 cap.
 * The generator's presets cannot make names that long, so this builds a TransferStore with its own
 * roster and serves it through the simulator's ReportsApi and serveAnswer (streamed, backpressured).
 */
export interface BigResponse {
  url: string;
  token: string;
  server: string;
  /** Exact body size in bytes. */
  bodyBytes: number;
  records: number;
  config: Record<string, string>;
  bytes: ByteCounter;
  calls(): number;
  close(): Promise<void>;
}

const AGENTS = 20;
const TOKEN = 'bench-big-response-token';
const WOLKVOX_SERVER = '0032';
// Accented and quoted text, as agents type it: the body is UTF-8 with escapes, not plain ASCII.
const FILLER = 'Begoña "Beggy" Ibáñez Castaño de la Peña, supervisora del turno de la mañana; ';

function roster(nameChars: number): Agent[] {
  return Array.from({ length: AGENTS }, (_, index) => {
    const prefix = `Agente ${String(index).padStart(2, '0')} `;
    const name = (prefix + FILLER.repeat(Math.ceil(nameChars / FILLER.length) + 1)).slice(0, nameChars);
    return { id: String(1000 + index), name };
  });
}

function fill(store: TransferStore, day: LocalSeconds, records: number): void {
  for (let index = 0; index < records; index++) {
    const sender = index % AGENTS;
    store.push({
      second: day + Math.floor((index * SECONDS_PER_DAY) / records),
      connId: 1_000_000 + index,
      sender,
      receiver: (sender + 1 + (index % (AGENTS - 1))) % AGENTS,
      channel: 0,
    });
  }
}

function bodyBytes(store: TransferStore): number {
  // Records, the commas between them, the brackets, and the envelope around `data`.
  let total = Buffer.byteLength(successBodyStart(200, store.size)) + SUCCESS_BODY_END.length + 2;
  for (let index = 0; index < store.size; index++) total += Buffer.byteLength(store.jsonAt(index));
  return total + Math.max(0, store.size - 1);
}

function build(records: number, targetBytes: number): TransferStore {
  const day = parseLocal(FIRST_DAY) as LocalSeconds;
  // Names are sized from a probe store; one correction step absorbs the UTF-8 and escape overhead.
  let nameChars = 100;
  for (let attempt = 0; attempt < 3; attempt++) {
    const probe = new TransferStore(roster(nameChars));
    fill(probe, day, records);
    const size = bodyBytes(probe);
    // Two names per record; JSON bytes per name character (UTF-8, escaped quotes) from the probe.
    const perNameChar = (Buffer.byteLength(JSON.stringify(probe.agents[0]!.name)) - 2) / nameChars;
    const missing = targetBytes - size;
    if (Math.abs(missing) < records * 4) return probe;
    nameChars = Math.max(1, Math.round(nameChars + missing / records / 2 / perNameChar));
  }
  const store = new TransferStore(roster(nameChars));
  fill(store, day, records);
  return store;
}

export async function startBigResponse(records: number, targetBytes: number): Promise<BigResponse> {
  const store = build(records, targetBytes);
  const size = bodyBytes(store);
  const api = new ReportsApi(store, { token: TOKEN, server: WOLKVOX_SERVER });
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://bench');
    if (url.pathname !== API_PATH) {
      response.writeHead(404).end();
      return;
    }
    const answer = api.handle({
      params: url.searchParams,
      token: header(request, 'wolkvox-token'),
      server: header(request, 'wolkvox_server'),
    });
    serveAnswer(answer, response, 64 * 1024).catch(() => response.destroy());
  });
  const bytes = new ByteCounter(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    token: TOKEN,
    server: WOLKVOX_SERVER,
    bodyBytes: size,
    records: store.size,
    config: {
      wolkvox_server: WOLKVOX_SERVER,
      wolkvox_token: TOKEN,
      start_date: FIRST_DAY,
      end_date: FIRST_DAY,
      base_url: url,
    },
    bytes,
    calls: () => api.stats().total,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
