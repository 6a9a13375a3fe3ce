import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { renderConfigValidator } from './config-validator-source.js';
import { validateConfig } from './config-validator.js';
import { loadSpec } from './spec.js';

const schema = loadSpec().connectionSpecification;
// The validator the connector compiled at run time before the standalone one: the reference.
const reference = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** The standalone validator's verdict and errors, next to the reference's, for one value. */
function verdicts(value: unknown) {
  const generated = { valid: validateConfig(value), errors: validateConfig.errors };
  const expected = { valid: reference(value), errors: reference.errors };
  return { generated, expected };
}

const valid = { wolkvox_server: '0032', wolkvox_token: 'secret-token', start_date: '2026-03-01' };

// One value per field from each of: valid, at or past a bound, of another type, arbitrary JSON.
const astral = '\u{1F600}';
const fieldValues: Record<string, fc.Arbitrary<unknown>> = {
  wolkvox_server: fc.constantFrom('0032', 'wv0032', 'WV0032', '032', 'xx0032', '0032 ', 32),
  wolkvox_token: fc.constantFrom('token', '', astral, ' ', 7, null),
  start_date: fc.constantFrom('2026-03-01', '2026-03-01 08:30:00', '2026-3-1', '2026-03-01T08:30:00', ''),
  end_date: fc.constantFrom('2026-03-31', '2026-03-31 23:59:59', 'tomorrow', 20260331),
  timezone: fc.constantFrom('America/Bogota', 'Mars/Olympus', '', 5),
  lookback_window_minutes: fc.constantFrom(0, 44640, 44641, -1, 1.5, '10'),
  settle_window_minutes: fc.constantFrom(0, 15, 1440, 1441, -1, 2.5),
  max_api_calls_per_sync: fc.constantFrom(1, 0, 100, 1e12, '5'),
  max_window_days: fc.constantFrom(1, 31, 32, 0),
  max_concurrent_requests: fc.constantFrom(1, 2, 3, 0),
  max_retries: fc.constantFrom(0, 10, 11, -1),
  records_per_call_limit: fc.constantFrom(2, 60000, 1, 60001),
  skill_ids: fc.constantFrom([], ['12', '15'], ['12', '12'], ['12a'], [12], '12', ['1', 'x', '1']),
  agent_ids: fc.constantFrom([], ['1001'], [''], [astral], ['7', '7'], [null]),
  campaign_ids: fc.constantFrom(['all'], [], ['all', 'all'], [''], 'all'),
  aggregate_reread_days: fc.constantFrom(0, 31, 32, -1, 2.2),
  base_url: fc.constantFrom(
    'https://wv0032.wolkvox.com',
    'http://127.0.0.1:8080/',
    'ftp://x',
    'https://a b',
    '',
  ),
};

const configs = fc.record(
  Object.fromEntries(
    Object.entries(fieldValues).map(([field, values]) => [field, fc.oneof(values, fc.jsonValue())]),
  ),
  { requiredKeys: [] },
);

describe('the standalone config validator', () => {
  it('is what scripts/generate-config-validator.mjs writes from schemas/spec.json', async () => {
    const path = new URL('./config-validator.ts', import.meta.url);
    const options = await prettier.resolveConfig(path);
    const expected = await prettier.format(renderConfigValidator(schema), {
      ...options,
      filepath: path.pathname,
    });
    expect(readFileSync(path, 'utf8')).toBe(expected);
  });

  it("gives ajv's run-time verdict and errors on valid and invalid configs", () => {
    const accepted = verdicts(valid);
    expect(accepted.generated).toEqual({ valid: true, errors: null });
    expect(accepted.generated).toEqual(accepted.expected);
    // A config wrong in every field at once: each keyword's error, in ajv's order.
    const rejected = verdicts({
      wolkvox_server: 'wv32',
      wolkvox_token: '',
      end_date: '31/03/2026',
      timezone: 1,
      lookback_window_minutes: 1.5,
      settle_window_minutes: 1441,
      max_api_calls_per_sync: 0,
      skill_ids: ['12', '12', 'x'],
      agent_ids: [''],
      base_url: 'ftp://x',
    });
    expect(rejected.generated.valid).toBe(false);
    expect(rejected.generated.errors?.map((error) => error.keyword).sort()).toEqual(
      [
        ...['required', 'maximum', 'minimum', 'uniqueItems'],
        ...['pattern', 'pattern', 'pattern', 'pattern'],
        ...['minLength', 'minLength', 'type', 'type'],
      ].sort(),
    );
    expect(rejected.generated).toEqual(rejected.expected);
  });

  it("checks minLength through ajv's code-point count (its one run-time helper)", () => {
    // An astral character (two UTF-16 units) and a lone surrogate half are one code point each.
    const expectedValid: [string, boolean][] = [
      ['', false],
      [astral, true],
      ['\ud83d', true],
    ];
    for (const [id, expectedVerdict] of expectedValid) {
      const { generated, expected } = verdicts({ ...valid, agent_ids: [id] });
      expect(generated.valid).toBe(expectedVerdict);
      expect(generated).toEqual(expected);
    }
  });

  it('agrees with ajv on generated configs and on values that are no object', () => {
    fc.assert(
      fc.property(fc.oneof(configs, fc.jsonValue()), (value) => {
        const { generated, expected } = verdicts(value);
        expect(generated).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
