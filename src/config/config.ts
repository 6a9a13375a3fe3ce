import type { ErrorObject } from 'ajv';
import { ConfigError } from '../errors/index.js';
import { isDateOnly, parseLocal, SECONDS_PER_DAY, type LocalSeconds } from '../time/local-time.js';
import { isValidTimeZone } from '../time/zone.js';
import { validateConfig } from './config-validator.js';
import { loadSpec } from './spec.js';

/** The configuration after validation: normalised, typed, with every default applied. */
export interface ConnectorConfig {
  /** Four digits, without the "wv" prefix. */
  server: string;
  token: string;
  startDate: LocalSeconds;
  /** Inclusive; undefined means "now" at sync time. */
  endDate: LocalSeconds | undefined;
  timezone: string;
  lookbackSeconds: number;
  /** Seconds before the cursor that every incremental sync reads again, skipping ids it delivered. */
  settleSeconds: number;
  callBudget: number | undefined;
  maxWindowDays: number;
  maxConcurrentRequests: 1 | 2;
  maxRetries: number;
  recordsPerCallLimit: number;
  /** API origin (and optional path prefix) without a trailing slash. */
  baseUrl: string;
  /** Skill ids to read the per-skill reports for (one partition each); empty: those streams are absent. */
  skillIds: string[];
  /** Agent ids to read the per-agent reports for (one partition each); empty: those streams are absent. */
  agentIds: string[];
  /** Campaign ids ("all" = every campaign) to read the campaign reports for; empty: those streams are absent. */
  campaignIds: string[];
  /** Complete days before the last one finished that each incremental sync of an aggregate reads again. */
  aggregateRereadDays: number;
}

type RawConfig = Record<string, unknown>;

/** Late arrivals in the simulator's and public clients' experience come seconds to minutes late. */
const DEFAULT_SETTLE_MINUTES = 15;

const FIELD_HINTS: Record<string, string> = {
  wolkvox_server: 'use the four-digit server number of your operation, for example "0032" or "wv0032"',
  wolkvox_token: 'paste the wolkvox-token of your operation from Wolkvox Manager',
  start_date: 'use "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS", for example "2026-01-01"',
  end_date: 'use "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS", or leave it empty to read up to now',
  timezone: 'use an IANA time zone name such as "America/Bogota"',
  base_url: 'use an origin such as "https://wv0032.wolkvox.com", or leave it empty',
};

function describeAjvError(error: ErrorObject): string {
  const field =
    error.keyword === 'required'
      ? String((error.params as { missingProperty: string }).missingProperty)
      : error.instancePath.replace(/^\//, '');
  const hint = FIELD_HINTS[field];
  // The form's own words for a pattern ("0032 or wv0032"), never the regular expression.
  const descriptor = (
    loadSpec().connectionSpecification.properties[field] as { pattern_descriptor?: string } | undefined
  )?.pattern_descriptor;
  let problem = error.keyword === 'required' ? 'is required' : (error.message ?? 'is invalid');
  if (error.keyword === 'pattern' && descriptor !== undefined) problem = `must look like ${descriptor}`;
  return `\`${field}\` ${problem}${hint ? `: ${hint}` : ''}.`;
}

function invalid(field: string, problem: string): ConfigError {
  const hint = FIELD_HINTS[field];
  return new ConfigError(`Invalid configuration: \`${field}\` ${problem}${hint ? `; ${hint}` : ''}.`);
}

/** The earliest date accepted (Wolkvox dates are counted from the Unix epoch). */
export const EARLIEST_DATE = '1970-01-01';

function parseBound(field: string, text: string, endOfDay: boolean): LocalSeconds {
  // The year is checked as text: Date.UTC reads years 0 to 99 as 1900 to 1999.
  if (text < EARLIEST_DATE)
    throw invalid(field, `("${text}") is before ${EARLIEST_DATE}, the earliest date accepted`);
  const seconds = parseLocal(text);
  if (seconds === undefined) throw invalid(field, `is not a real date or time ("${text}")`);
  return endOfDay && isDateOnly(text) ? seconds + SECONDS_PER_DAY - 1 : seconds;
}

/** Characters an HTTP header value cannot carry (undici refuses them): controls and non-Latin-1. */
const NOT_IN_HEADER = /[^\t\x20-\x7e\x80-\xff]/;

function resolveToken(raw: string): string {
  // A pasted token often ends in a line break; the spec says leading and trailing whitespace is trimmed.
  const token = raw.trim();
  if (token === '') throw invalid('wolkvox_token', 'is empty');
  if (NOT_IN_HEADER.test(token)) {
    throw invalid(
      'wolkvox_token',
      'contains a line break, a control character or a character outside Latin-1, which no HTTP header ' +
        'can carry; copy the token again as one line',
    );
  }
  return token;
}

/**
 * The config without its null and empty-text values: forms and API-created configs send `null` or
 * `""` for a field left empty, which means "not set" (a required field then is reported missing).
 */
function withoutEmptyValues(raw: RawConfig): RawConfig {
  return Object.fromEntries(
    Object.entries(raw).filter(
      ([, value]) => value !== null && !(typeof value === 'string' && value.trim() === ''),
    ),
  );
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function resolveBaseUrl(raw: string | undefined, server: string): string {
  if (raw === undefined) return `https://wv${server}.wolkvox.com`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('base_url', 'is not a valid URL');
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  // A single-label name (no dot) is no public host: a container on the same Docker network, such as
  // the simulator the acceptance tests run against. Wolkvox hosts always have dots.
  const privateName = /^[a-z0-9-]+$/i.test(url.hostname);
  if (url.protocol === 'http:' && !loopback && !privateName) {
    throw invalid(
      'base_url',
      `uses plain http for ${url.hostname}; http is accepted only for loopback hosts and ` +
        'single-label container names',
    );
  }
  if (url.username || url.password) throw invalid('base_url', 'must not carry credentials');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function optionalList(raw: RawConfig, name: string, fallback: string[]): string[] {
  const value = raw[name];
  return Array.isArray(value) ? value.map((item) => String(item).trim()) : fallback;
}

function optionalInteger(raw: RawConfig, name: string, fallback: number): number {
  const value = raw[name];
  return typeof value === 'number' ? value : fallback;
}

/**
 * Validates a raw config object against the spec, then resolves it. `null` and empty text count as
 * absent. Throws ConfigError naming the field (never quoting the token).
 */
export function resolveConfig(raw: unknown): ConnectorConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError('Invalid configuration: the config file must hold a JSON object.');
  }
  const config = withoutEmptyValues(raw as RawConfig);
  if (!validateConfig(config)) {
    const messages = (validateConfig.errors ?? []).map(describeAjvError);
    throw new ConfigError(`Invalid configuration: ${[...new Set(messages)].join(' ')}`);
  }
  const server = (config.wolkvox_server as string).replace(/^wv/i, '');
  const startDate = parseBound('start_date', config.start_date as string, false);
  const endText = config.end_date as string | undefined;
  const endDate = endText === undefined ? undefined : parseBound('end_date', endText, true);
  if (endDate !== undefined && endDate < startDate) {
    throw invalid('end_date', `(${endText}) is before start_date (${String(config.start_date)})`);
  }
  const timezone = (config.timezone as string | undefined) ?? 'America/Bogota';
  if (!isValidTimeZone(timezone)) throw invalid('timezone', `"${timezone}" is not a known IANA time zone`);
  const callBudget = config.max_api_calls_per_sync;
  return {
    server,
    token: resolveToken(config.wolkvox_token as string),
    startDate,
    endDate,
    timezone,
    lookbackSeconds: optionalInteger(config, 'lookback_window_minutes', 0) * 60,
    settleSeconds: optionalInteger(config, 'settle_window_minutes', DEFAULT_SETTLE_MINUTES) * 60,
    callBudget: typeof callBudget === 'number' ? callBudget : undefined,
    maxWindowDays: optionalInteger(config, 'max_window_days', 31),
    maxConcurrentRequests: optionalInteger(config, 'max_concurrent_requests', 1) === 2 ? 2 : 1,
    maxRetries: optionalInteger(config, 'max_retries', 5),
    recordsPerCallLimit: optionalInteger(config, 'records_per_call_limit', 60_000),
    baseUrl: resolveBaseUrl(config.base_url as string | undefined, server),
    skillIds: optionalList(config, 'skill_ids', []),
    agentIds: optionalList(config, 'agent_ids', []),
    campaignIds: optionalList(config, 'campaign_ids', ['all']),
    aggregateRereadDays: optionalInteger(config, 'aggregate_reread_days', 2),
  };
}
