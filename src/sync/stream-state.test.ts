import { describe, expect, it } from 'vitest';
import { at } from '../../test-support/sync-config.js';
import { ConfigError } from '../errors/index.js';
import { parseStreamState, toStreamState } from './stream-state.js';

describe('stream state', () => {
  it('writes and reads back every field', () => {
    const checkpoint = {
      cursor: at('2026-08-12 15:04:22'),
      settledFrom: at('2026-08-12 14:49:22'),
      nextWindow: { from: at('2026-08-12 15:04:23'), to: at('2026-08-13 00:00:00') },
      fullRefreshInProgress: true,
    };
    const json = toStreamState(checkpoint, [
      [at('2026-08-12 15:00:00'), ['a', 'b']],
      [at('2026-08-12 15:04:22'), ['c']],
    ]);
    expect(json).toEqual({
      date: '2026-08-12 15:04:22',
      settled_from: '2026-08-12 14:49:22',
      delivered_ids: { '2026-08-12 15:00:00': ['a', 'b'], '2026-08-12 15:04:22': ['c'] },
      next_window: { from: '2026-08-12 15:04:23', to: '2026-08-13 00:00:00' },
      full_refresh_in_progress: true,
    });
    expect(parseStreamState('transfers', JSON.parse(JSON.stringify(json)))).toEqual({
      ...checkpoint,
      delivered: [
        ['a', at('2026-08-12 15:00:00')],
        ['b', at('2026-08-12 15:00:00')],
        ['c', at('2026-08-12 15:04:22')],
      ],
    });
  });

  it('reads the first release state as settled at its date', () => {
    expect(parseStreamState('transfers', { date: '2026-01-02 03:04:05', ids_at_date: ['x'] })).toEqual({
      cursor: at('2026-01-02 03:04:05'),
      settledFrom: at('2026-01-02 03:04:05'),
      delivered: [['x', at('2026-01-02 03:04:05')]],
    });
  });

  it.each([undefined, null, {}, { __ab_full_refresh_sync_complete: true }])(
    'reads %j as no state',
    (state) => {
      expect(parseStreamState('transfers', state)).toBeUndefined();
    },
  );

  it.each([
    [
      { report_date: '2026-01-02' },
      /an event stream's state is \{"date": "YYYY-MM-DD HH:MM:SS", .* got an object with the key "report_date" \(an aggregate stream's state\)/,
    ],
    [{ date: '2026-01-02 00:00:00', settled_from: '2026-01-03 00:00:00' }, /"settled_from" is after "date"/],
    [
      { date: '2026-01-02 00:00:00', settled_from: '2026-01-01 00:00:00', delivered_ids: [] },
      /"delivered_ids"/,
    ],
    [
      { date: '2026-01-02 00:00:00', settled_from: '2026-01-01 00:00:00', delivered_ids: { nope: ['a'] } },
      /"delivered_ids" must be a date/,
    ],
    [
      {
        date: '2026-01-02 00:00:00',
        settled_from: '2026-01-01 00:00:00',
        next_window: { from: '2026-01-03 00:00:00', to: '2026-01-02 00:00:00' },
      },
      /"next_window"/,
    ],
  ])('refuses %j with a ConfigError that says what to do', (state, problem) => {
    expect(() => parseStreamState('transfers', state)).toThrow(ConfigError);
    expect(() => parseStreamState('transfers', state)).toThrow(problem);
    expect(() => parseStreamState('transfers', state)).toThrow(/Reset \(clear\) the data of this stream/);
  });
});
