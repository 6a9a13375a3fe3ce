import { DateTime, IANAZone } from 'luxon';
import { formatLocal, SECONDS_PER_DAY, type LocalSeconds } from './local-time.js';

/** Luxon resolves IANA zones, DST gaps and overlaps correctly; Intl alone cannot map wall clock to offset. */
export function isValidTimeZone(name: string): boolean {
  return IANAZone.isValidZone(name);
}

/** The wall clock of `zone` at the instant `epochMillis`, as LocalSeconds. */
export function wallClockAt(zone: string, epochMillis: number): LocalSeconds {
  const local = DateTime.fromMillis(epochMillis, { zone });
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) / 1000;
}

/**
 * The earliest wall clock in use anywhere on Earth at `epochMillis` (UTC-12). Whatever zone the
 * operation really uses, a transfer that has not happened yet cannot carry a date before this one;
 * the sync engine never moves its resume point past it, so a wrong `timezone` setting loses nothing.
 */
export function earliestWallClockAt(epochMillis: number): LocalSeconds {
  return Math.floor(epochMillis / 1000) - 12 * 3600;
}

/** The most a fall-back (end of DST) has moved a wall clock back: two hours (double summer time). */
const LONGEST_FALL_BACK_MS = 2 * 3600 * 1000;

/**
 * The earliest wall clock `zone` shows at `epochMillis` or later, as LocalSeconds: the present, or an
 * earlier time when the clock falls back (DST ends) within the next two hours. Seconds from there on
 * can still receive records (the repeated hour happens twice), so no cursor may pass it. Near a
 * fall-back it errs early by up to two hours; elsewhere it is exactly the present.
 */
export function earliestWallClockFrom(zone: string, epochMillis: number): LocalSeconds {
  return Math.min(
    wallClockAt(zone, epochMillis),
    wallClockAt(zone, epochMillis + LONGEST_FALL_BACK_MS) - LONGEST_FALL_BACK_MS / 1000,
  );
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Seconds on either side of a wall-clock time that surely hold every offset it may have. */
const OFFSET_PROBE_SECONDS = 3 * 3600;

/**
 * Turns wall-clock times of one zone into ISO 8601 with that zone's offset. Records arrive by the
 * thousand per second, so the offset is computed once per wall-clock hour and reused whenever the
 * hour has a single offset (every hour but those of a DST change).
 *
 * DST: a time of the repeated hour (the clock falls back) happened twice. It gets the offset of the
 * later pass when that pass had begun at `readAt` (the read cannot return the future), else the
 * earlier: records read as they happen keep their true order across both passes. A time of the
 * skipped hour (the clock jumps forward; only a wrong zone or a skewed clock produces one) gets the
 * offset in force before the jump, the instant such a clock meant.
 */
export class OffsetFormatter {
  private readonly zone: IANAZone;
  /** Per wall-clock day, then hour: its offset, or null when it holds a DST change. */
  private readonly dayOffsets = new Map<number, string | null>();
  private readonly hourOffsets = new Map<number, string | null>();

  /** `readAt`: epoch milliseconds of the read (default: after every pass of every repeated hour). */
  constructor(
    zone: string,
    private readonly readAt = Infinity,
  ) {
    this.zone = IANAZone.create(zone);
  }

  /** Offset in minutes of the zone at the instant `epochSeconds`. */
  private offsetAt(epochSeconds: number): number {
    return this.zone.offset(epochSeconds * 1000);
  }

  /** Offsets (minutes) that map `local` to a real instant: one, two (repeated hour) or none (skipped). */
  private offsetsOf(local: LocalSeconds): number[] {
    const candidates = new Set([
      this.offsetAt(local - OFFSET_PROBE_SECONDS),
      this.offsetAt(local + OFFSET_PROBE_SECONDS),
      this.offsetAt(local - 12 * 3600),
      this.offsetAt(local + 14 * 3600),
    ]);
    return [...candidates].filter((offset) => this.offsetAt(local - offset * 60) === offset);
  }

  private offsetOf(local: LocalSeconds): number {
    const offsets = this.offsetsOf(local);
    if (offsets.length === 1) return offsets[0]!;
    if (offsets.length === 0) return this.offsetAt(local - OFFSET_PROBE_SECONDS); // before the jump
    // Repeated: the later pass (smaller offset) if it had begun when the records were read.
    const later = Math.min(...offsets);
    return (local - later * 60) * 1000 <= this.readAt ? later : Math.max(...offsets);
  }

  /** The one offset of the span of `length` seconds holding `local`, or null when it holds a change. */
  private spanOffset(cache: Map<number, string | null>, length: number, local: LocalSeconds): string | null {
    const span = Math.floor(local / length);
    let offset = cache.get(span);
    if (offset === undefined) {
      const start = this.offsetsOf(span * length);
      const end = this.offsetsOf(span * length + length - 1);
      offset = start.length === 1 && end.length === 1 && start[0] === end[0] ? formatOffset(start[0]!) : null;
      if (cache.size > 10_000) cache.clear();
      cache.set(span, offset);
    }
    return offset;
  }

  /** `text`, when given, is `local` as "YYYY-MM-DD HH:MM:SS" (saves formatting it again). */
  toIso(local: LocalSeconds, text?: string): string {
    const wall = text !== undefined && text.length === 19 ? text : formatLocal(local);
    return `${wall.slice(0, 10)}T${wall.slice(11)}${this.offsetText(local)}`;
  }

  /** The offset `toIso` writes for `local`: "-05:00", "+00:00", ... */
  offsetText(local: LocalSeconds): string {
    // Zone lookups are slow (Intl): one offset per day, and per hour on the days of a change.
    let offset = this.spanOffset(this.dayOffsets, SECONDS_PER_DAY, local);
    if (offset === null) offset = this.spanOffset(this.hourOffsets, 3600, local);
    return offset ?? formatOffset(this.offsetOf(local));
  }
}
