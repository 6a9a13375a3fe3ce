import { describe, expect, it } from 'vitest';
import { parseLocal } from '../time/local-time.js';
import { parseCliArgs } from './cli-options.js';

describe('simulator command line', () => {
  it('turns flags into simulator options and a dataset ending with --end', async () => {
    const plan = await parseCliArgs([
      '--preset',
      'quiet',
      '--seed',
      '7',
      '--days',
      '3',
      '--end',
      '2026-01-03',
      '--fault-rate',
      '0.1',
      '--faults',
      'reset,slow',
      '--date-end-exclusive',
      '--order',
      'random',
      '--server',
      'wv0010',
    ]);
    expect(plan).toMatchObject({ preset: 'quiet', json: false, withEndDate: true });
    expect(plan.options).toMatchObject({
      seed: 7,
      port: 0,
      server: '0010',
      order: 'random',
      dateIniInclusive: true,
      dateEndInclusive: false,
      faults: { rate: 0.1, kinds: ['reset', 'slow'], slowMs: 2_000 },
      localNow: undefined,
    });
    expect(plan.options.dataset.settings).toMatchObject({
      seed: 7,
      from: parseLocal('2026-01-01'),
      to: parseLocal('2026-01-03 23:59:59'),
    });
  });

  it('ends the data at the operation\'s "now" without --end, and rejects unknown fault kinds', async () => {
    const nowMs = Date.UTC(2026, 0, 10, 17, 30, 0);
    const plan = await parseCliArgs(['--days', '1', '--preset', 'quiet'], nowMs);
    // 17:30 UTC is 12:30 in Bogota (UTC-5).
    expect(plan.options.dataset.settings.to).toBe(parseLocal('2026-01-10 12:30:00'));
    expect(plan.withEndDate).toBe(false);
    expect(plan.options.localNow).toBeTypeOf('function');
    expect(plan.options.timezone).toBe('America/Bogota');
    const tokyo = await parseCliArgs(['--days', '1', '--preset', 'quiet', '--timezone', 'Asia/Tokyo'], nowMs);
    // 17:30 UTC is 02:30 the next day in Tokyo (UTC+9).
    expect(tokyo.options.dataset.settings.to).toBe(parseLocal('2026-01-11 02:30:00'));
    expect(tokyo.options.timezone).toBe('Asia/Tokyo');
    await expect(parseCliArgs(['--faults', 'meteor', '--days', '1', '--preset', 'quiet'])).rejects.toThrow(
      /meteor/,
    );
  });

  it('serves every report with --reports, only chat_9 without', async () => {
    const withReports = await parseCliArgs([
      '--reports',
      '--days',
      '2',
      '--end',
      '2026-01-03',
      '--preset',
      'quiet',
    ]);
    expect(withReports.options.reportData?.has('agent_1')).toBe(true);
    expect(withReports.options.reportData?.has('chat_9')).toBe(false);
    const without = await parseCliArgs(['--days', '2', '--end', '2026-01-03', '--preset', 'quiet']);
    expect(without.options.reportData).toBeUndefined();
  });
});
