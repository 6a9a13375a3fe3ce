import { describe, expect, it } from 'vitest';
import { RecordingOutput } from '../../test-support/recording-output.js';
import { at } from '../../test-support/sync-config.js';
import { SyncProgress } from './progress.js';

const DAY = 86_400;
const noCalls = () => 0;

describe('SyncProgress: the early estimate', () => {
  it('sends an estimate before anything is read, from the range, and logs it as rough', () => {
    const output = new RecordingOutput();
    const progress = new SyncProgress(output, 'transfers', noCalls);
    // 14 days at 62,000 records per 31-day window: 2,000 a day.
    progress.planned({ from: at('2026-01-01 00:00:00'), to: at('2026-01-14 23:59:59') }, 62_000, 31 * DAY);
    expect(output.events[0]).toEqual({ kind: 'estimate', rows: 28_000 });
    expect(output.logs('INFO')).toEqual([
      'transfers: reading 2026-01-01 00:00:00 to 2026-01-14 23:59:59; estimate 28000 records ' +
        '(rough, nothing read yet: 62000 records per 31 days assumed).',
    ]);
  });

  it('estimates 0 for an empty range (a state beyond the end)', () => {
    const output = new RecordingOutput();
    const progress = new SyncProgress(output, 'transfers', noCalls);
    const cursor = at('2027-01-01 00:00:00');
    progress.planned({ from: cursor, to: cursor - 1 }, 60_000, 31 * DAY);
    expect(output.events[0]).toEqual({ kind: 'estimate', rows: 0 });
    expect(output.logs('INFO')[0]).toBe(
      'transfers: nothing to read before 2027-01-01 00:00:00; estimate 0 records.',
    );
  });

  it('is refined by the first window read when that changes it by more than 10%', () => {
    const output = new RecordingOutput();
    const progress = new SyncProgress(output, 'transfers', noCalls);
    const from = at('2026-01-01 00:00:00');
    progress.planned({ from, to: from + 10 * DAY - 1 }, 31_000, 31 * DAY);
    progress.totals.records += 100;
    progress.windowCompleted({ from, to: from + DAY - 1 }, from + 10 * DAY - 1);
    // 100 records in the first day, 9 days left at that rate.
    const estimates = output.events.flatMap((event) => (event.kind === 'estimate' ? [event.rows] : []));
    expect(estimates).toEqual([10_000, 1_000]);
  });

  it('is not sent again when the first window confirms it within 10%', () => {
    const output = new RecordingOutput();
    const progress = new SyncProgress(output, 'transfers', noCalls);
    const from = at('2026-01-01 00:00:00');
    progress.planned({ from, to: from + 2 * DAY - 1 }, 3_100, 31 * DAY);
    progress.totals.records += 105;
    progress.windowCompleted({ from, to: from + DAY - 1 }, from + 2 * DAY - 1);
    const estimates = output.events.flatMap((event) => (event.kind === 'estimate' ? [event.rows] : []));
    expect(estimates).toEqual([200]);
  });
});
