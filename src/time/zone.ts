import { DateTime, IANAZone } from 'luxon';
import { formatLocal, type LocalSeconds } from './local-time.js';

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

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * Turns wall-clock times of one zone into ISO 8601 with that zone's offset. Records arrive by the
 * thousand per second, so the offset is computed once per wall-clock hour and reused whenever the
 * hour has a single offset (every hour but those of a DST change).
 */
export class OffsetFormatter {
  private readonly hourOffsets = new Map<number, string | null>();

  constructor(private readonly zone: string) {}

  private offsetOf(local: LocalSeconds): string {
    const iso = formatLocal(local).replace(' ', 'T');
    return formatOffset(DateTime.fromISO(iso, { zone: this.zone }).offset);
  }

  /** `text`, when given, is `local` as "YYYY-MM-DD HH:MM:SS" (saves formatting it again). */
  toIso(local: LocalSeconds, text?: string): string {
    const hour = Math.floor(local / 3600);
    let offset = this.hourOffsets.get(hour);
    if (offset === undefined) {
      const first = this.offsetOf(hour * 3600);
      offset = first === this.offsetOf(hour * 3600 + 3599) ? first : null;
      if (this.hourOffsets.size > 10_000) this.hourOffsets.clear();
      this.hourOffsets.set(hour, offset);
    }
    const wall = text !== undefined && text.length === 19 ? text : formatLocal(local);
    return `${wall.slice(0, 10)}T${wall.slice(11)}${offset ?? this.offsetOf(local)}`;
  }
}
