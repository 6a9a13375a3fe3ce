import type { ConnectorConfig } from '../src/config/config.js';
import { parseLocal, type LocalSeconds } from '../src/time/local-time.js';

/** "YYYY-MM-DD HH:MM:SS" to LocalSeconds, for tests (throws on a typo). */
export function at(text: string): LocalSeconds {
  const seconds = parseLocal(text);
  if (seconds === undefined) throw new Error(`not a date: ${text}`);
  return seconds;
}

/** A resolved configuration for engine tests. */
export function syncConfig(overrides: Partial<ConnectorConfig> = {}): ConnectorConfig {
  return {
    server: '0032',
    token: 'test-token',
    startDate: at('2026-01-01 00:00:00'),
    endDate: at('2026-01-31 23:59:59'),
    timezone: 'America/Bogota',
    lookbackSeconds: 0,
    settleSeconds: 15 * 60,
    callBudget: undefined,
    maxWindowDays: 31,
    maxConcurrentRequests: 1,
    maxRetries: 0,
    recordsPerCallLimit: 100,
    baseUrl: 'http://127.0.0.1:1',
    skillIds: [],
    agentIds: [],
    campaignIds: ['all'],
    aggregateRereadDays: 2,
    ...overrides,
  };
}
