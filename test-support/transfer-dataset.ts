import fc from 'fast-check';
import { formatLocal, SECONDS_PER_DAY, type LocalSeconds } from '../src/time/local-time.js';
import type { RawRecord } from '../src/wolkvox/types.js';
import { seededRandom, type FakeRow } from './fake-reports-client.js';
import { at } from './sync-config.js';

const AGENTS = [
  { id: '1001', name: 'José Ñúñez' },
  { id: '1002', name: 'María Fernanda Gómez' },
  { id: '1003', name: 'Zoë Ávila-Peña' },
  { id: '1004', name: 'Ana' },
] as const;

export interface RowOptions {
  conn?: string;
  agent?: number;
  /** Receiver agent index, or 'skill' for a skill group (name "SKILL", empty id). */
  receiver?: number | 'skill';
  /** Overrides the `date` field (undefined removes it). */
  date?: string | undefined;
  extra?: RawRecord;
}

/** A chat_9 record filed under `second`. */
export function transferRow(second: LocalSeconds, options: RowOptions = {}): FakeRow {
  const agent = AGENTS[(options.agent ?? 0) % AGENTS.length]!;
  const receiver =
    options.receiver === 'skill'
      ? { id: '', name: 'SKILL' }
      : AGENTS[(options.receiver ?? 1) % AGENTS.length]!;
  const raw: RawRecord = {
    conn_id: options.conn ?? 'conn-1',
    transfer_agent_id: agent.id,
    transfer_agent_name: agent.name,
    receiver_agent_id: receiver.id,
    receiver_agent_name: receiver.name,
    channel: 'email',
    date: 'date' in options ? options.date : formatLocal(second),
    ...options.extra,
  };
  if (raw.date === undefined) delete raw.date;
  return { raw, second };
}

export interface SyncCase {
  startDate: LocalSeconds;
  endDate: LocalSeconds;
  cap: number;
  maxWindowDays: number;
  rows: FakeRow[];
}

/** Ranges that cross month and year ends. */
const RANGE_STARTS = ['2025-12-30', '2026-01-30', '2026-02-27', '2026-03-31'];
/** How widely a cluster spreads: one second (same-second bursts) up to a day. */
const SPREADS = [0, 0, 3, 120, 3600, SECONDS_PER_DAY];

interface ClusterSpec {
  position: number;
  count: number;
  spread: number;
  seed: number;
}

const clusterArbitrary: fc.Arbitrary<ClusterSpec> = fc.record({
  /** Position in the range, as a share of it (clusters a little outside the range too). */
  position: fc.double({ min: -0.05, max: 1.05, noNaN: true }),
  count: fc.integer({ min: 1, max: 80 }),
  spread: fc.constantFrom(...SPREADS),
  seed: fc.integer(),
});

/** Records in the second around `second`: never three seconds with `cap` records (see below). */
function cluster(start: LocalSeconds, seconds: number, spec: ClusterSpec): FakeRow[] {
  const random = seededRandom(spec.seed);
  const center = start + Math.floor(spec.position * seconds);
  return Array.from({ length: spec.count }, () => {
    const pick = (n: number) => Math.floor(random() * n);
    // A small pool of conversations: the same conn_id transferred again, often in the same second.
    return transferRow(center + pick(spec.spread + 1), {
      conn: `conn-${pick(6)}`,
      agent: pick(4),
      receiver: random() < 0.25 ? 'skill' : pick(4),
    });
  });
}

/** Seconds every dataset exercises: the range ends and just outside, midnights and 23:59:59. */
function edgeRows(start: LocalSeconds, end: LocalSeconds): FakeRow[] {
  const seconds = [start - 1, start, end, end + 1];
  for (let midnight = start + SECONDS_PER_DAY; midnight <= end; midnight += SECONDS_PER_DAY) {
    seconds.push(midnight - 1, midnight);
  }
  return seconds.map((second, index) => transferRow(second, { conn: `edge-${index}` }));
}

/** Records the API gets wrong: non-string or missing fields, and no readable date (inside the range). */
function oddRows(start: LocalSeconds, end: LocalSeconds, seed: number): FakeRow[] {
  const random = seededRandom(seed);
  const inside = () => start + 1 + Math.floor(random() * (end - start - 1));
  return [
    transferRow(inside(), { conn: 'odd-number', extra: { transfer_agent_id: 1001 } }),
    transferRow(inside(), { conn: 'odd-missing', extra: { channel: undefined } }),
    transferRow(inside(), { conn: 'odd-no-date', date: undefined }),
    transferRow(inside(), { conn: 'odd-bad-date', date: '2026-02-30 25:00:00' }),
  ];
}

/**
 * The engine cannot split a one-second window; it asks for the seconds around it too, so a
 * dataset is exact only while no three consecutive seconds hold `cap` records. Extra ones are dropped.
 */
function limitPerSecond(rows: FakeRow[], cap: number): FakeRow[] {
  const perSecond = Math.max(1, Math.floor((cap - 1) / 3));
  const counts = new Map<number, number>();
  return rows.filter((row) => {
    const count = (counts.get(row.second) ?? 0) + 1;
    counts.set(row.second, count);
    return count <= perSecond;
  });
}

export const syncCaseArbitrary: fc.Arbitrary<SyncCase> = fc
  .record({
    startDay: fc.constantFrom(...RANGE_STARTS),
    days: fc.integer({ min: 1, max: 40 }),
    cap: fc.integer({ min: 5, max: 200 }),
    maxWindowDays: fc.integer({ min: 1, max: 31 }),
    clusters: fc.array(clusterArbitrary, { maxLength: 25 }),
    withOddRows: fc.boolean(),
    seed: fc.integer(),
  })
  .map(({ startDay, days, cap, maxWindowDays, clusters, withOddRows, seed }) => {
    const startDate = at(`${startDay} 00:00:00`);
    const endDate = startDate + days * SECONDS_PER_DAY - 1;
    const seconds = endDate - startDate + 1;
    const rows = [
      ...edgeRows(startDate, endDate),
      ...clusters.flatMap((spec) => cluster(startDate, seconds, spec)),
      ...(withOddRows ? oddRows(startDate, endDate, seed) : []),
    ];
    return { startDate, endDate, cap, maxWindowDays, rows: limitPerSecond(rows, cap) };
  });

/** Share of a weekday's traffic per hour: office hours busy, evenings lighter, nights nearly idle. */
function hourWeight(hour: number): number {
  if (hour >= 8 && hour < 18) return 1;
  return hour >= 6 && hour < 21 ? 0.3 : 0.03;
}

/** Sum of hourWeight over a day, to turn a daily volume into hourly means. */
const DAY_WEIGHT = Array.from({ length: 24 }, (_, hour) => hourWeight(hour)).reduce((a, b) => a + b);

/**
 * Traffic shaped like a contact centre's, scaled down: a daily and weekly rhythm with hour-to-hour
 * noise, against caps of 100 to 300 (the real API: 60,000 against hundreds of thousands a day).
 */
export const diurnalCaseArbitrary: fc.Arbitrary<SyncCase> = fc
  .record({
    days: fc.integer({ min: 14, max: 35 }),
    perDay: fc.integer({ min: 200, max: 1000 }),
    cap: fc.integer({ min: 100, max: 300 }),
    seed: fc.integer(),
  })
  .map(({ days, perDay, cap, seed }) => {
    const random = seededRandom(seed);
    const startDate = at('2026-01-05 00:00:00');
    const rows: FakeRow[] = [];
    for (let hour = 0; hour < days * 24; hour += 1) {
      const weekend = Math.floor(hour / 24) % 7 >= 5 ? 0.2 : 1;
      const mean = ((perDay * hourWeight(hour % 24) * weekend) / DAY_WEIGHT) * (0.8 + 0.4 * random());
      for (let i = Math.round(mean * (0.9 + 0.2 * random())); i > 0; i -= 1) {
        const second = startDate + hour * 3600 + Math.floor(random() * 3600);
        rows.push(transferRow(second, { conn: `conn-${Math.floor(random() * 1e6)}`, agent: i }));
      }
    }
    const endDate = startDate + days * SECONDS_PER_DAY - 1;
    return { startDate, endDate, cap, maxWindowDays: 31, rows: limitPerSecond(rows, cap) };
  });
