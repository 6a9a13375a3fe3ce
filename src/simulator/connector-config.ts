import { formatLocal, SECONDS_PER_DAY, type LocalSeconds } from '../time/local-time.js';

/** The config fields a connector needs to read everything a simulator serves, as the simulator serves it. */
export interface SimulatorConnectorConfig {
  wolkvox_server: string;
  wolkvox_token: string;
  start_date: string;
  end_date?: string;
  /** The simulator's time zone (its "now" and the data's wall clock), when it was given one. */
  timezone?: string;
  /** The simulator's per-call cap, when below the connector's default (60,000): truncation is detected by it. */
  records_per_call_limit?: number;
  base_url: string;
}

/** What the connector must know of a running simulator. */
export interface ServedData {
  baseUrl: string;
  /** Four digits. */
  server: string;
  token: string;
  /** First second of data. */
  from: LocalSeconds;
  /** Last second of data; undefined leaves end_date out (read up to now). */
  to: LocalSeconds | undefined;
  /** IANA zone of the simulated operation; undefined leaves the connector's default. */
  timezone: string | undefined;
  /** Records per call before silent truncation; undefined is Wolkvox's 60,000. */
  cap: number | undefined;
}

/** Wolkvox's cap, the connector's default (and maximum) records_per_call_limit. */
const WOLKVOX_CAP = 60_000;

/** "YYYY-MM-DD" when the bound is a whole day (the config's shorter form), else "YYYY-MM-DD HH:MM:SS". */
function configDate(seconds: LocalSeconds, endOfDay: boolean): string {
  const text = formatLocal(seconds);
  const ofDay = ((seconds % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY;
  return ofDay === (endOfDay ? SECONDS_PER_DAY - 1 : 0) ? text.slice(0, 10) : text;
}

/**
 * A connector config (the spec's field names) that reads what the simulator serves: its URL, server
 * and token, the data's range, and the options the connector must share with it (time zone, a cap
 * below 60,000). Throws nothing.
 */
export function connectorConfig(served: ServedData): SimulatorConnectorConfig {
  const { to, timezone, cap } = served;
  return {
    wolkvox_server: served.server,
    wolkvox_token: served.token,
    start_date: configDate(served.from, false),
    ...(to === undefined ? {} : { end_date: configDate(to, true) }),
    ...(timezone === undefined ? {} : { timezone }),
    ...(cap === undefined || cap >= WOLKVOX_CAP ? {} : { records_per_call_limit: cap }),
    base_url: served.baseUrl,
  };
}
