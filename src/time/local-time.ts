/**
 * Wolkvox speaks wall-clock time of the operation, with no offset, both in query parameters and in
 * record dates. Inside the connector such a time is a LocalSeconds: whole seconds since
 * 1970-01-01 00:00:00 *of that wall clock* (the clock read as if it were UTC). Window planning works on
 * these numbers only, so it never needs a time zone; the zone matters only for "now" and for
 * transferred_at (see zone.ts).
 */
export type LocalSeconds = number;

export const SECONDS_PER_DAY = 86_400;

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/;

function digitPair(text: string, at: number): number {
  const tens = text.charCodeAt(at) - 48;
  const units = text.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && units >= 0 && units <= 9 ? tens * 10 + units : -1;
}

/** The last "YYYY-MM-DD " prefix parsed in full, and its midnight: records come by the thousand per day. */
let lastDayPrefix = '';
let lastDayStart = 0;

/**
 * Seconds since midnight of a wall-clock time given as numbers (-1 for a part that was not two
 * digits), or -1 when a part is out of range (hour 0-23, minute and second 0-59).
 */
export function clockSeconds(hour: number, minute: number, second: number): number {
  const valid = hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
  return valid ? hour * 3600 + minute * 60 + second : -1;
}

/** "YYYY-MM-DD HH:MM:SS" (or "YYYY-MM-DD" = midnight) to LocalSeconds; undefined if not a real date/time. */
export function parseLocal(text: string): LocalSeconds | undefined {
  if (text.length === 19 && lastDayPrefix !== '' && text.startsWith(lastDayPrefix)) {
    const clock = clockSeconds(digitPair(text, 11), digitPair(text, 14), digitPair(text, 17));
    if (clock >= 0 && text.charCodeAt(13) === 58 && text.charCodeAt(16) === 58) return lastDayStart + clock;
  }
  const parsed = parseLocalSlow(text);
  if (parsed !== undefined && text.length === 19) {
    lastDayPrefix = text.slice(0, 11);
    lastDayStart = parsed - (((parsed % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY);
  }
  return parsed;
}

function parseLocalSlow(text: string): LocalSeconds | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 2026-02-30 over into March: a rolled date is not a real date.
  if (new Date(millis).getUTCDate() !== day) return undefined;
  return millis / 1000;
}

/** True when the text is a date without a time of day ("YYYY-MM-DD"). */
export function isDateOnly(text: string): boolean {
  return text.length === 10;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function parts(seconds: LocalSeconds): [string, string, string, string, string, string] {
  const date = new Date(seconds * 1000);
  return [
    String(date.getUTCFullYear()).padStart(4, '0'),
    pad2(date.getUTCMonth() + 1),
    pad2(date.getUTCDate()),
    pad2(date.getUTCHours()),
    pad2(date.getUTCMinutes()),
    pad2(date.getUTCSeconds()),
  ];
}

/** LocalSeconds to "YYYY-MM-DD HH:MM:SS", the form of record dates and of the state cursor. */
export function formatLocal(seconds: LocalSeconds): string {
  const [y, mo, d, h, mi, s] = parts(seconds);
  return `${y}-${mo}-${d} ${h}:${mi}:${s}`;
}

/** LocalSeconds to "YYYYmmddHHiiss", the form of the API's date_ini and date_end. */
export function formatApiParam(seconds: LocalSeconds): string {
  return parts(seconds).join('');
}
