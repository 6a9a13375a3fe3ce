import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { parseLocal } from '../time/local-time.js';
import { resolveConfig } from './config.js';

const base = { wolkvox_server: '0032', wolkvox_token: 'secret-token', start_date: '2026-03-01' };

describe('resolveConfig', () => {
  it('applies defaults and normalises the server', () => {
    const config = resolveConfig({ ...base, wolkvox_server: 'WV0032' });
    expect(config).toMatchObject({
      server: '0032',
      timezone: 'America/Bogota',
      baseUrl: 'https://wv0032.wolkvox.com',
      lookbackSeconds: 0,
      callBudget: undefined,
      maxWindowDays: 31,
      maxConcurrentRequests: 1,
      maxRetries: 5,
      recordsPerCallLimit: 60_000,
      endDate: undefined,
    });
    expect(config.startDate).toBe(parseLocal('2026-03-01 00:00:00'));
  });

  it('reads the report parameters: skills and agents empty, every campaign, two days re-read by default', () => {
    expect(resolveConfig(base)).toMatchObject({
      skillIds: [],
      agentIds: [],
      campaignIds: ['all'],
      aggregateRereadDays: 2,
    });
    const config = resolveConfig({
      ...base,
      skill_ids: ['12', '15'],
      agent_ids: ['1001'],
      campaign_ids: [],
      aggregate_reread_days: 0,
    });
    expect(config).toMatchObject({
      skillIds: ['12', '15'],
      agentIds: ['1001'],
      campaignIds: [],
      aggregateRereadDays: 0,
    });
    expect(() => resolveConfig({ ...base, skill_ids: ['12a'] })).toThrow(/skill_ids\/0/);
    expect(() => resolveConfig({ ...base, aggregate_reread_days: 32 })).toThrow(/aggregate_reread_days/);
  });

  it('reads a date-only end_date as the end of that day, both bounds inclusive', () => {
    const config = resolveConfig({ ...base, end_date: '2026-03-31', start_date: '2026-03-01 08:30:00' });
    expect(config.endDate).toBe(parseLocal('2026-03-31 23:59:59'));
    expect(config.startDate).toBe(parseLocal('2026-03-01 08:30:00'));
  });

  it('accepts http only for loopback base URLs and trims a trailing slash', () => {
    expect(resolveConfig({ ...base, base_url: 'http://127.0.0.1:8080/' }).baseUrl).toBe(
      'http://127.0.0.1:8080',
    );
    expect(resolveConfig({ ...base, base_url: 'http://localhost:1/proxy/' }).baseUrl).toBe(
      'http://localhost:1/proxy',
    );
    expect(() => resolveConfig({ ...base, base_url: 'http://10.0.0.1' })).toThrow(/loopback/);
    expect(() => resolveConfig({ ...base, base_url: 'http://wv0032.wolkvox.com' })).toThrow(/loopback/);
  });

  it('accepts http for a single-label container name (the simulator on a Docker network)', () => {
    expect(resolveConfig({ ...base, base_url: 'http://wolkvox-simulator:8787' }).baseUrl).toBe(
      'http://wolkvox-simulator:8787',
    );
    expect(() => resolveConfig({ ...base, base_url: 'https://user:pw@host.example' })).toThrow(/credentials/);
  });

  it.each([
    [{ ...base, wolkvox_server: '32' }, 'wolkvox_server'],
    [{ ...base, wolkvox_server: '../0032' }, 'wolkvox_server'],
    [{ ...base, wolkvox_server: '0032 ' }, 'wolkvox_server'],
    [{ ...base, start_date: '2026-13-01' }, 'start_date'],
    [{ ...base, start_date: '2026-03-01T00:00:00' }, 'start_date'],
    [{ ...base, end_date: '2026-02-28' }, 'end_date'],
    [{ ...base, timezone: 'Bogota' }, 'timezone'],
    [{ ...base, lookback_window_minutes: -5 }, 'lookback_window_minutes'],
    [{ ...base, max_concurrent_requests: 3 }, 'max_concurrent_requests'],
    [{ wolkvox_server: '0032' }, 'wolkvox_token'],
  ])('refuses %j naming %s', (raw, field) => {
    expect(() => resolveConfig(raw)).toThrow(ConfigError);
    expect(() => resolveConfig(raw)).toThrow(field);
  });

  it('takes null and empty text in optional fields as absent', () => {
    const config = resolveConfig({
      ...base,
      end_date: '',
      base_url: null,
      timezone: ' ',
      lookback_window_minutes: null,
      max_api_calls_per_sync: '',
      max_retries: null,
    });
    expect(config).toMatchObject({
      endDate: undefined,
      baseUrl: 'https://wv0032.wolkvox.com',
      timezone: 'America/Bogota',
      lookbackSeconds: 0,
      callBudget: undefined,
      maxRetries: 5,
    });
  });

  it.each([null, '', '  '])('reports a required field given as %j as missing', (value) => {
    expect(() => resolveConfig({ ...base, start_date: value })).toThrow('`start_date` is required');
    expect(() => resolveConfig({ ...base, wolkvox_token: value })).toThrow('`wolkvox_token` is required');
  });

  it.each([
    ['start_date', '0026-01-01'],
    ['start_date', '1969-12-20'],
    ['start_date', '1969-12-31 23:59:59'],
    ['end_date', '1969-12-31'],
  ])('refuses %s %j as before 1970-01-01, the earliest date accepted', (field, value) => {
    const raw =
      field === 'end_date'
        ? { ...base, start_date: '1970-01-01', end_date: value }
        : { ...base, [field]: value };
    expect(() => resolveConfig(raw)).toThrow(
      `\`${field}\` ("${value}") is before 1970-01-01, the earliest date accepted`,
    );
  });

  it('accepts 1970-01-01, the earliest date', () => {
    expect(resolveConfig({ ...base, start_date: '1970-01-01' }).startDate).toBe(0);
  });

  it('trims whitespace around the token', () => {
    expect(resolveConfig({ ...base, wolkvox_token: '  secret-token\r\n' }).token).toBe('secret-token');
  });

  it.each(['secret\ntoken', 'secret\rtoken', 'secret\u0000token', 'secret\u2028token'])(
    'refuses a token with a character no header carries (%j), naming wolkvox_token, not quoting it',
    (token) => {
      let message = '';
      try {
        resolveConfig({ ...base, wolkvox_token: token });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        message = (error as Error).message;
      }
      expect(message).toContain('`wolkvox_token` contains a line break');
      expect(message).not.toContain('secret');
      expect(message.toLowerCase()).not.toContain('token\n');
    },
  );

  it('never echoes the token in a validation message', () => {
    try {
      resolveConfig({ ...base, wolkvox_token: 42 });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('wolkvox_token');
    }
  });

  it('settles 15 minutes by default and refuses a per-call limit above the API cap', () => {
    expect(resolveConfig(base).settleSeconds).toBe(900);
    expect(resolveConfig({ ...base, settle_window_minutes: 0 }).settleSeconds).toBe(0);
    expect(() => resolveConfig({ ...base, records_per_call_limit: 60_001 })).toThrow(
      /records_per_call_limit/,
    );
  });
});
