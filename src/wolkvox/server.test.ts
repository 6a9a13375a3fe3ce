import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { parseLocal } from '../time/local-time.js';
import { authHeaders, normaliseServer, reportUrl } from './server.js';

describe('normaliseServer', () => {
  it.each([
    ['0032', '0032'],
    ['wv0032', '0032'],
    ['WV0032', '0032'],
    ['Wv9901', '9901'],
  ])('accepts %j as %j', (raw, server) => {
    expect(normaliseServer(raw)).toBe(server);
  });

  it.each(['0032.evil.com', '../', ' 0032', '0032 ', '32', '', 'wv', '00321', 'wv0032/x', 'x0032', '٠٠٣٢'])(
    'refuses %j with a ConfigError saying what to enter',
    (raw) => {
      expect(() => normaliseServer(raw)).toThrow(ConfigError);
      expect(() => normaliseServer(raw)).toThrow(/four-digit server number.*"0032" or "wv0032"/);
    },
  );
});

describe('reportUrl and authHeaders', () => {
  const request = {
    report: 'chat_9',
    from: parseLocal('2026-08-12 00:00:00') ?? 0,
    to: parseLocal('2026-08-12 23:59:59') ?? 0,
  };

  it('builds the Reports Manager URL with the query in the documented order', () => {
    expect(reportUrl('https://wv0032.wolkvox.com', request)).toBe(
      'https://wv0032.wolkvox.com/api/v2/reports_manager.php?api=chat_9&date_ini=20260812000000&date_end=20260812235959',
    );
  });

  it('keeps the path prefix of a proxy base URL and encodes the report name', () => {
    expect(reportUrl('http://127.0.0.1:8080/wolkvox', { ...request, report: 'a&b' })).toBe(
      'http://127.0.0.1:8080/wolkvox/api/v2/reports_manager.php?api=a%26b&date_ini=20260812000000&date_end=20260812235959',
    );
  });

  it("appends the report's parameter after the dates, encoded", () => {
    expect(
      reportUrl('https://wv0032.wolkvox.com', {
        ...request,
        report: 'skill_4',
        params: { skill_id: '12 3' },
      }),
    ).toBe(
      'https://wv0032.wolkvox.com/api/v2/reports_manager.php?api=skill_4&date_ini=20260812000000&date_end=20260812235959&skill_id=12+3',
    );
  });

  it('puts the token and the server in headers', () => {
    expect(authHeaders('0032', 'tok')).toEqual({ 'wolkvox-token': 'tok', wolkvox_server: '0032' });
  });
});
