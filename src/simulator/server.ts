import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalSeconds } from '../time/local-time.js';
import type { CallLogEntry, CallStats } from './call-stats.js';
import { connectorConfig, type SimulatorConnectorConfig } from './connector-config.js';
import { CONTROL_PREFIX, handleControl } from './control-routes.js';
import type { AppendOptions, TransferDataset } from './dataset.js';
import { header, sendJson } from './http-io.js';
import { mixSeed } from './random.js';
import { ReportsApi, type ReportsApiOptions } from './reports-api.js';
import { serveAnswer } from './serve-answer.js';
import type { IndexRange } from './transfer-store.js';

export const API_PATH = '/api/v2/reports_manager.php';

export interface SimulatorOptions extends Omit<ReportsApiOptions, 'token' | 'server'> {
  dataset: TransferDataset;
  /** Default: a token derived from `seed`. */
  token?: string;
  /** Default "0032". */
  server?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Characters per written chunk of a streamed body. Default 64 Ki. */
  chunkChars?: number;
  /** The operation's wall clock; when given, appends without `until` spread up to it. */
  localNow?: () => LocalSeconds;
  /** The operation's IANA time zone, for the connector config it prints (`connectorConfig`). */
  timezone?: string;
}

export interface RunningSimulator {
  /** The connector's base_url, e.g. "http://127.0.0.1:41234". */
  url: string;
  port: number;
  token: string;
  /** The operation's server number, e.g. "0032". */
  wolkvoxServer: string;
  server: Server;
  api: ReportsApi;
  readonly dataset: TransferDataset;
  stats(): CallStats;
  calls(): CallLogEntry[];
  resetStats(): void;
  setDataset(dataset: TransferDataset): void;
  append(count: number, options?: AppendOptions): IndexRange;
  startMaintenance(durationMs: number): void;
  /**
   * A config that reads the whole dataset with the simulator's time zone and cap (when set); `withEndDate:
   * false` leaves end_date out (read up to now).
   */
  connectorConfig(options?: { withEndDate?: boolean }): SimulatorConnectorConfig;
  close(): Promise<void>;
}

/** A token that looks like one and is the same for the same seed. */
export function defaultToken(seed: number): string {
  return [1, 2, 3, 4].map((part) => mixSeed(seed, part).toString(16).padStart(8, '0')).join('');
}

/**
 * The host of the simulator's URL for a listening address: a wildcard address (all interfaces) is
 * reached on loopback (which the connector accepts over plain http), an IPv6 literal in brackets.
 */
function reachableHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function notFoundPage(response: ServerResponse): void {
  response.writeHead(404, { 'content-type': 'text/html; charset=UTF-8' }).end('<h1>404 Not Found</h1>');
}

/** Starts the simulated Wolkvox API on a loopback port. */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const { dataset: initialDataset, host = '127.0.0.1', port = 0, chunkChars = 64 * 1024, localNow } = options;
  const token = options.token ?? defaultToken(options.seed ?? 1);
  const wolkvoxServer = options.server ?? '0032';
  let dataset = initialDataset;
  const api = new ReportsApi(dataset, { ...options, token, server: wolkvoxServer });
  const control = { api, dataset: () => dataset, localNow };

  const route = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://simulator');
    const method = request.method ?? 'GET';
    if (url.pathname === API_PATH) {
      if (method !== 'GET') {
        response.writeHead(405, { allow: 'GET' }).end();
        return;
      }
      const answer = api.handle({
        params: url.searchParams,
        token: header(request, 'wolkvox-token'),
        server: header(request, 'wolkvox_server'),
      });
      serveAnswer(answer, response, chunkChars).catch(() => response.destroy());
    } else if (!(url.pathname.startsWith(CONTROL_PREFIX) && handleControl(control, method, url, response))) {
      notFoundPage(response);
    }
  };

  const server = createServer((request, response) => {
    try {
      route(request, response);
    } catch (error) {
      sendJson(response, 500, { error: String(error) });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${reachableHost(host)}:${address.port}`;

  return {
    url,
    port: address.port,
    token,
    wolkvoxServer,
    server,
    api,
    get dataset() {
      return dataset;
    },
    stats: () => api.stats(),
    calls: () => api.calls(),
    resetStats: () => api.resetStats(),
    setDataset(next) {
      dataset = next;
      api.setDataset(next);
    },
    append: (count, appendOptions) => dataset.append(count, appendOptions),
    startMaintenance: (durationMs) => api.startMaintenance(durationMs),
    connectorConfig: ({ withEndDate = true } = {}) =>
      connectorConfig({
        baseUrl: url,
        server: wolkvoxServer,
        token,
        from: dataset.settings.from,
        to: withEndDate
          ? Math.max(dataset.settings.to, dataset.lastSecond ?? dataset.settings.to)
          : undefined,
        timezone: options.timezone,
        cap: options.cap,
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets would hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}
