import { describe, expect, it } from 'vitest';
import { formatApiParam, parseLocal } from '../time/local-time.js';
import { generateDataset } from './dataset.js';
import { ReportsApi, type ApiAnswer, type ReportsApiOptions } from './reports-api.js';

const from = parseLocal('2026-05-04') as number;
const to = parseLocal('2026-05-04 23:59:59') as number;
const dataset = generateDataset({ seed: 2, from, to, transfersPerDay: 400 });

function api(options: Partial<ReportsApiOptions> = {}): ReportsApi {
  return new ReportsApi(dataset, { token: 't0ken', server: '0032', ...options });
}

function ask(target: ReportsApi, headers: { token?: string } = { token: 't0ken' }): ApiAnswer {
  const params = new URLSearchParams({
    api: 'chat_9',
    date_ini: formatApiParam(from),
    date_end: formatApiParam(to),
  });
  return target.handle({ params, token: headers.token, server: '0032' });
}

function bodyOf(answer: ApiAnswer): string {
  return [...answer.chunks(1024)].join('');
}

describe('ReportsApi in process', () => {
  it('answers without HTTP: status, outcome and a lazily chunked body', () => {
    const answer = ask(api());
    expect(answer).toMatchObject({ status: 200, outcome: 'ok', ending: 'complete', delayMs: 0 });
    const chunks = [...answer.chunks(1024)];
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.slice(0, -1).every((chunk) => chunk.length >= 1024)).toBe(true);
    expect(JSON.parse(chunks.join(''))).toMatchObject({ data: dataset.records() });
    answer.release();
  });

  it('holds a simultaneous-request slot per answer until release (twice is harmless)', () => {
    const target = api();
    const [first, second] = [ask(target), ask(target)];
    const third = ask(target);
    expect(third).toMatchObject({ status: 403, outcome: 'too-many-simultaneous' });
    third.release();
    first.release();
    first.release();
    expect(ask(target).status).toBe(200);
    expect(target.stats()).toMatchObject({ inFlight: 2, maxInFlight: 2 });
    second.release();
  });

  it('does not charge the quota for calls without a valid token', () => {
    const target = api({ dailyQuota: 1 });
    expect(ask(target, {}).status).toBe(401);
    expect(ask(target, { token: 'wrong' }).status).toBe(403);
    const paid = ask(target);
    expect(paid.status).toBe(200);
    paid.release();
    expect(bodyOf(ask(target))).toContain('TOKEN LIMIT EXCEEDED');
    expect(target.stats()).toMatchObject({
      total: 4,
      quotaUsed: 1,
      byStatus: { '200': 1, '401': 1, '403': 2 },
    });
  });

  it('cuts the body of a truncated or reset answer before its end', () => {
    const whole = bodyOf(ask(api()));
    for (const kind of ['truncated', 'reset'] as const) {
      const answer = ask(api({ faults: { rate: 1, kinds: [kind] } }));
      expect(answer.ending).toBe(kind);
      const cut = bodyOf(answer);
      expect(whole.startsWith(cut)).toBe(true);
      expect(cut.length).toBeLessThan(whole.length);
    }
  });

  it('serves a dataset swapped in later', () => {
    const target = api();
    const other = generateDataset({ seed: 3, from, to, transfersPerDay: 10 });
    target.setDataset(other);
    expect(JSON.parse(bodyOf(ask(target)))).toMatchObject({ data: other.records() });
  });
});
