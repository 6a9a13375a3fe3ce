import { formatLocal, SECONDS_PER_DAY, type LocalSeconds } from '../time/local-time.js';

/** The config fields a connector needs to read everything a simulator serves. */
export interface SimulatorConnectorConfig {
  wolkvox_server: string;
  wolkvox_token: string;
  start_date: string;
  end_date?: string;
  base_url: string;
}

/** "YYYY-MM-DD" when the bound is a whole day (the config's shorter form), else "YYYY-MM-DD HH:MM:SS". */
function configDate(seconds: LocalSeconds, endOfDay: boolean): string {
  const text = formatLocal(seconds);
  const ofDay = ((seconds % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY;
  return ofDay === (endOfDay ? SECONDS_PER_DAY - 1 : 0) ? text.slice(0, 10) : text;
}

export function connectorConfig(
  baseUrl: string,
  server: string,
  token: string,
  from: LocalSeconds,
  to: LocalSeconds | undefined,
): SimulatorConnectorConfig {
  return {
    wolkvox_server: server,
    wolkvox_token: token,
    start_date: configDate(from, false),
    ...(to === undefined ? {} : { end_date: configDate(to, true) }),
    base_url: baseUrl,
  };
}
