import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ANSWERS, errorBody } from '../src/simulator/envelope.js';
import { parseLocal, type LocalSeconds } from '../src/time/local-time.js';
import type { RawRecord } from '../src/wolkvox/types.js';

/** One row the server holds; the report selects it by `filterSecond` (default: its own `date`). */
export interface ServedRow {
  raw: RawRecord;
  filterSecond?: LocalSeconds;
}

export interface ReportServer {
  baseUrl: string;
  token: string;
  /** Rows served; tests push more to make transfers "appear". */
  rows: ServedRow[];
  /** date_ini and date_end of every request, as LocalSeconds. */
  requests: { from: LocalSeconds; to: LocalSeconds }[];
  /** Connector config fields that point at this server. */
  config(fields: Record<string, unknown>): Record<string, unknown>;
  close(): Promise<void>;
}

function apiSeconds(text: string | null): LocalSeconds | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text ?? '');
  return match
    ? parseLocal(`${match[1]}-${match[2]}-${match[3]} ${match[4]}:${match[5]}:${match[6]}`)
    : undefined;
}

/**
 * A small Wolkvox Reports Manager for tests that need exact rows: both date ends inclusive, at most
 * `cap` rows per answer (in the order held), 404 "Validate dates entered" for an empty window.
 */
export async function startReportServer(rows: ServedRow[], cap = 60_000): Promise<ReportServer> {
  const token = 'report-server-token-5f2c';
  const requests: ReportServer['requests'] = [];
  const held = rows;
  const answer = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const send = (status: number, body: string) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(body);
    if (request.headers['wolkvox-token'] !== token) {
      send(ANSWERS.invalidToken.status, errorBody(ANSWERS.invalidToken, 403));
      return;
    }
    const from = apiSeconds(url.searchParams.get('date_ini'));
    const to = apiSeconds(url.searchParams.get('date_end'));
    if (from === undefined || to === undefined) {
      send(ANSWERS.badParameters.status, errorBody(ANSWERS.badParameters, 400));
      return;
    }
    requests.push({ from, to });
    const selected = held
      .filter((row) => {
        const second = row.filterSecond ?? parseLocal(String(row.raw.date));
        return second !== undefined && second >= from && second <= to;
      })
      .slice(0, cap)
      .map((row) => row.raw);
    if (selected.length === 0) send(404, errorBody(ANSWERS.notFound, 404));
    else
      send(
        200,
        JSON.stringify({ code: 200, error: null, msg: `${selected.length} records`, data: selected }),
      );
  };
  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    token,
    rows: held,
    requests,
    config: (fields) => ({ wolkvox_server: '0032', wolkvox_token: token, base_url: baseUrl, ...fields }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A chat_9 row. */
export function transfer(date: string, conn: string, extra: Partial<Record<string, string>> = {}): ServedRow {
  return {
    raw: {
      conn_id: conn,
      transfer_agent_id: '1001',
      transfer_agent_name: 'José Ñúñez',
      receiver_agent_id: '1002',
      receiver_agent_name: 'María Gómez',
      channel: 'email',
      date,
      ...extra,
    },
  };
}

/** A row of the SMS detail report (`sms_details`), with `extra` fields the schema may not declare. */
export function smsDetailRow(date: string, extra: Record<string, string> = {}): ServedRow {
  return {
    raw: {
      agent_id: '7',
      agent_name: 'Ana',
      date,
      destiny: '300',
      telephone: '57300',
      message: 'hola',
      channel: 'sms',
      customer_id: '9',
      conn_id: date,
      ...extra,
    },
  };
}
