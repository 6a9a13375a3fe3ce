import { describe, expect, it } from 'vitest';
import { formatApiParam, formatLocal, parseLocal } from './local-time.js';
import {
  earliestWallClockAt,
  earliestWallClockFrom,
  isValidTimeZone,
  OffsetFormatter,
  wallClockAt,
} from './zone.js';

describe('local time', () => {
  it('round-trips wall-clock text', () => {
    for (const text of ['2026-08-12 15:04:22', '2024-02-29 00:00:00', '1999-12-31 23:59:59']) {
      expect(formatLocal(parseLocal(text)!)).toBe(text);
    }
    expect(formatApiParam(parseLocal('2026-08-12 15:04:22')!)).toBe('20260812150422');
  });

  it('refuses dates that do not exist', () => {
    for (const text of [
      '2026-02-29',
      '2026-04-31 10:00:00',
      '2026-01-01 24:00:00',
      '2026-1-1',
      'yesterday',
    ]) {
      expect(parseLocal(text)).toBeUndefined();
    }
  });
});

describe('zones', () => {
  it('knows IANA names', () => {
    expect(isValidTimeZone('America/Bogota')).toBe(true);
    expect(isValidTimeZone('America/Nowhere')).toBe(false);
  });

  it('gives the wall clock of a zone and the earliest wall clock on Earth', () => {
    const instant = Date.UTC(2026, 7, 12, 20, 4, 22);
    expect(formatLocal(wallClockAt('America/Bogota', instant))).toBe('2026-08-12 15:04:22');
    expect(formatLocal(earliestWallClockAt(instant))).toBe('2026-08-12 08:04:22');
  });

  it('adds the offset of the zone, across DST changes', () => {
    expect(new OffsetFormatter('America/Bogota').toIso(parseLocal('2026-08-12 15:04:22')!)).toBe(
      '2026-08-12T15:04:22-05:00',
    );
    const madrid = new OffsetFormatter('Europe/Madrid');
    expect(madrid.toIso(parseLocal('2026-03-29 01:59:59')!)).toBe('2026-03-29T01:59:59+01:00');
    expect(madrid.toIso(parseLocal('2026-03-29 03:00:00')!)).toBe('2026-03-29T03:00:00+02:00');
    expect(madrid.toIso(parseLocal('2026-07-01 12:00:00')!)).toBe('2026-07-01T12:00:00+02:00');
  });

  it('repeated hour: the later pass once it had begun at the read, else the earlier; skipped hour: the offset before the jump', () => {
    const local = parseLocal('2026-11-01 01:30:00')!; // New York: 05:30Z (EDT) and 06:30Z (EST)
    expect(new OffsetFormatter('America/New_York', Date.UTC(2026, 10, 1, 5, 45)).toIso(local)).toBe(
      '2026-11-01T01:30:00-04:00',
    );
    expect(new OffsetFormatter('America/New_York', Date.UTC(2026, 10, 1, 6, 45)).toIso(local)).toBe(
      '2026-11-01T01:30:00-05:00',
    );
    expect(new OffsetFormatter('America/New_York').toIso(parseLocal('2026-03-08 02:30:00')!)).toBe(
      '2026-03-08T02:30:00-05:00',
    );
  });

  it('the earliest wall clock from now on comes before the present only when the clock falls back soon', () => {
    const zone = 'America/New_York';
    const firstPass = Date.UTC(2026, 10, 1, 5, 30); // 01:30 EDT; the clock falls back to 01:00 at 06:00Z
    expect(formatLocal(earliestWallClockFrom(zone, firstPass))).toBe('2026-11-01 00:30:00');
    const summer = Date.UTC(2026, 6, 1, 16, 0);
    expect(earliestWallClockFrom(zone, summer)).toBe(wallClockAt(zone, summer));
  });
});
