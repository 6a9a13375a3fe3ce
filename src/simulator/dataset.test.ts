import { TRANSFER_FIELDS } from '../streams/transfers.js';
import { describe, expect, it } from 'vitest';
import { parseLocal, SECONDS_PER_DAY, type LocalSeconds } from '../time/local-time.js';
import { generateDataset, type DatasetOptions } from './dataset.js';
import { BURST_DAY_TRANSFERS, presetDataset } from './presets.js';
import type { TransferRecord } from './transfer-store.js';

function at(text: string): LocalSeconds {
  const seconds = parseLocal(text);
  if (seconds === undefined) throw new Error(`bad date ${text}`);
  return seconds;
}

const JANUARY: DatasetOptions = {
  seed: 11,
  from: at('2026-01-01'),
  to: at('2026-01-31 23:59:59'),
  transfersPerDay: 2_000,
};

const january = generateDataset(JANUARY);
const januaryRecords = january.records();

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

describe('generateDataset: determinism', () => {
  it('gives the same records for the same seed, and different ones for another seed', () => {
    expect(generateDataset(JANUARY).records()).toEqual(januaryRecords);
    const other = generateDataset({ ...JANUARY, seed: 12 }).records();
    expect(other.slice(0, 50)).not.toEqual(januaryRecords.slice(0, 50));
  });

  it('generates a day the same way whatever range it is part of', () => {
    const middle = generateDataset({ ...JANUARY, from: at('2026-01-10'), to: at('2026-01-12 23:59:59') });
    expect(middle.records()).toEqual(january.records(at('2026-01-10'), at('2026-01-12 23:59:59')));
  });

  it('keeps records sorted by date, all fields strings, dates "YYYY-MM-DD HH:MM:SS", JSON equal to objects', () => {
    for (let index = 1; index < january.size; index++) {
      expect(january.secondAt(index)).toBeGreaterThanOrEqual(january.secondAt(index - 1));
    }
    for (let index = 0; index < january.size; index += 97) {
      const record = januaryRecords[index] as TransferRecord;
      expect(JSON.parse(january.jsonAt(index))).toEqual(record);
      expect(Object.keys(record)).toEqual([...TRANSFER_FIELDS]);
      expect(Object.values(record).every((value) => typeof value === 'string')).toBe(true);
      expect(record.date).toMatch(/^2026-01-\d{2} \d{2}:\d{2}:\d{2}$/);
    }
  });
});

describe('generateDataset: shape', () => {
  it('has Spanish names with accents and ñ, and the pinned agents', () => {
    const names = january.agents.map((agent) => agent.name);
    expect(names).toContain('José Muñoz');
    expect(names).toContain('María Fernanda Gómez');
    expect(names.filter((name) => /[áéíóúÁÉÍÓÚñÑ]/.test(name)).length).toBeGreaterThan(names.length / 2);
    expect(januaryRecords.some((record) => record.transfer_agent_name === 'José Muñoz')).toBe(true);
  });

  it('sends 20-30% of transfers to SKILL with an empty receiver id, mostly on channel email', () => {
    const toSkill = januaryRecords.filter((record) => record.receiver_agent_name === 'SKILL');
    expect(toSkill.length / januaryRecords.length).toBeGreaterThan(0.2);
    expect(toSkill.length / januaryRecords.length).toBeLessThan(0.3);
    expect(toSkill.every((record) => record.receiver_agent_id === '')).toBe(true);
    const people = januaryRecords.filter((record) => record.receiver_agent_name !== 'SKILL');
    expect(people.every((record) => record.receiver_agent_id !== '')).toBe(true);
    expect(people.every((record) => record.receiver_agent_id !== record.transfer_agent_id)).toBe(true);
    const email = januaryRecords.filter((record) => record.channel === 'email').length;
    expect(email / januaryRecords.length).toBeGreaterThan(0.9);
  });

  it('follows business hours and is busier on weekdays than weekends', () => {
    const hour = (record: TransferRecord) => Number(record.date.slice(11, 13));
    const office = januaryRecords.filter((record) => hour(record) >= 8 && hour(record) < 18).length;
    expect(office / januaryRecords.length).toBeGreaterThan(0.7);
    const perDay = countBy(januaryRecords, (record) => record.date.slice(0, 10));
    const weekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();
    const mean = (days: string[]) => days.reduce((sum, day) => sum + (perDay.get(day) ?? 0), 0) / days.length;
    const days = [...perDay.keys()];
    const weekends = days.filter((day) => weekday(day) === 0 || weekday(day) === 6);
    const weekdays = days.filter((day) => !weekends.includes(day));
    expect(mean(weekdays)).toBeGreaterThan(2 * mean(weekends));
    // The mean over whole weeks is the requested transfers per day.
    expect(januaryRecords.length / 31).toBeGreaterThan(1_700);
    expect(januaryRecords.length / 31).toBeLessThan(2_300);
  });

  it('has records exactly at 00:00:00 and 23:59:59 of every day', () => {
    const dates = new Set(januaryRecords.map((record) => record.date));
    for (let day = 1; day <= 31; day++) {
      const date = `2026-01-${String(day).padStart(2, '0')}`;
      expect(dates.has(`${date} 00:00:00`)).toBe(true);
      expect(dates.has(`${date} 23:59:59`)).toBe(true);
    }
  });

  it('puts same-second groups on both sides of month and year boundaries', () => {
    const turn = generateDataset({ ...JANUARY, from: at('2025-12-31'), to: at('2026-02-01 23:59:59') });
    for (const [first, last] of [
      ['2025-12-31 23:59:59', '2026-01-01 00:00:00'],
      ['2026-01-31 23:59:59', '2026-02-01 00:00:00'],
    ] as const) {
      expect(turn.records(at(first), at(first)).length).toBeGreaterThanOrEqual(3);
      expect(turn.records(at(last), at(last)).length).toBeGreaterThanOrEqual(3);
    }
  });

  it('transfers the same conn_id several times within one second', () => {
    const groups = countBy(januaryRecords, (record) => `${record.conn_id} ${record.date}`);
    const repeated = [...groups.values()].filter((count) => count >= 2);
    expect(repeated.length).toBeGreaterThan(100);
    expect(Math.max(...repeated)).toBeGreaterThanOrEqual(3);
  });

  it('leaves quiet days empty', () => {
    expect(generateDataset({ ...JANUARY, quietDayRate: 1 }).size).toBe(0);
    const quiet = presetDataset('quiet', { seed: 3, from: at('2026-01-01'), to: at('2026-03-31 23:59:59') });
    const busyDays = new Set(quiet.records().map((record) => record.date.slice(0, 10)));
    expect(busyDays.size).toBeLessThan(85);
    expect(busyDays.size).toBeGreaterThan(50);
  });

  it('bursts a day and an hour far over the 60,000-record cap (preset bursty)', () => {
    const from = at('2026-01-01');
    const bursty = presetDataset('bursty', { seed: 7, from, to: from + 10 * SECONDS_PER_DAY - 1 });
    const perDay = countBy(bursty.records(), (record) => record.date.slice(0, 10));
    expect(perDay.get('2026-01-04')).toBeGreaterThan(BURST_DAY_TRANSFERS);
    expect(bursty.records(at('2026-01-08 10:00:00'), at('2026-01-08 10:59:59')).length).toBeGreaterThan(
      65_000,
    );
  });
});

describe('TransferDataset.append', () => {
  it('adds a same-second re-transfer of the last record, then newer transfers', () => {
    const dataset = generateDataset({ ...JANUARY, to: at('2026-01-02 23:59:59') });
    const last = dataset.recordAt(dataset.size - 1);
    const added = dataset.append(5);
    const records = dataset.recordsIn(added);
    expect(records).toHaveLength(5);
    expect(records[0]?.date).toBe(last.date);
    expect(records[0]?.conn_id).toBe(last.conn_id);
    for (const record of records.slice(1)) {
      expect(record.date > last.date).toBe(true);
      expect(Number(record.conn_id)).toBeGreaterThan(Number(last.conn_id));
    }
    expect(new Set(records.map((record) => record.conn_id)).size).toBe(5);
  });

  it('spreads the new transfers up to `until`, the same way for the same seed', () => {
    const make = () => generateDataset({ ...JANUARY, to: at('2026-01-01 23:59:59') });
    const [one, two] = [make(), make()];
    const until = at('2026-01-02 06:00:00');
    const added = one.append(10, { until });
    two.append(10, { until });
    expect(one.recordAt(added.end - 1).date).toBe('2026-01-02 06:00:00');
    expect(one.recordsIn(added)).toEqual(two.recordsIn(added));
  });
});
