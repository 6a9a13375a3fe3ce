import { ConfigError } from '../errors/index.js';
import { formatApiParam } from '../time/local-time.js';
import type { WindowRequest } from './types.js';

const SERVER = /^(?:wv)?(\d{4})$/i;

/**
 * "0032", "wv0032" or "WV0032" to "0032". Anything else is refused: the server number goes into the
 * default host name and a header, so text such as "0032.evil.com" must never get that far.
 */
export function normaliseServer(raw: string): string {
  const match = SERVER.exec(raw);
  if (!match?.[1]) {
    throw new ConfigError(
      `Invalid Wolkvox server ${JSON.stringify(raw.slice(0, 40))}: use the four-digit server number of your ` +
        'operation, for example "0032" or "wv0032", with no spaces, dots or slashes.',
    );
  }
  return match[1];
}

const REPORTS_PATH = '/api/v2/reports_manager.php';

/**
 * `{baseUrl}/api/v2/reports_manager.php?api={report}&date_ini=...&date_end=...`, then the request's
 * report parameters (e.g. `&skill_id=12`); the token never goes in the URL.
 */
export function reportUrl(baseUrl: string, request: WindowRequest): string {
  const query = new URLSearchParams({
    api: request.report,
    date_ini: formatApiParam(request.from),
    date_end: formatApiParam(request.to),
    ...request.params,
  });
  return `${baseUrl}${REPORTS_PATH}?${query.toString()}`;
}

export function authHeaders(server: string, token: string): Record<string, string> {
  return { 'wolkvox-token': token, wolkvox_server: server };
}
