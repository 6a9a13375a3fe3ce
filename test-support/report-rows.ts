import type { ReportData } from '../src/simulator/report-data.js';
import { SECONDS_PER_DAY, formatLocal, type LocalSeconds } from '../src/time/local-time.js';

export type Row = Record<string, unknown>;

/** The rows the simulator holds for a report over [from, to] (both inclusive), parsed, in its order. */
export function simulatorRows(
  data: ReportData,
  report: string,
  from: LocalSeconds,
  to: LocalSeconds,
  parameter?: string,
): Row[] {
  const rows = data.rows(report, { from, to, fromInclusive: true, toInclusive: true, parameter });
  return Array.from({ length: rows.count }, (_, index) => JSON.parse(rows.jsonAt(index)) as Row);
}

/**
 * An aggregate report's rows as the connector must deliver them: one call per local day
 * (00:00:00 to 23:59:59), each row with its day as `report_date`.
 */
export function simulatorDailyRows(
  data: ReportData,
  report: string,
  firstDay: LocalSeconds,
  lastDay: LocalSeconds,
  parameter?: string,
): Row[] {
  const rows: Row[] = [];
  for (let day = firstDay; day <= lastDay; day += SECONDS_PER_DAY) {
    const reportDate = formatLocal(day).slice(0, 10);
    for (const row of simulatorRows(data, report, day, day + SECONDS_PER_DAY - 1, parameter))
      rows.push({ ...row, report_date: reportDate });
  }
  return rows;
}

/** The keys the served rows carry (Wolkvox's keys, plus report_date for aggregates), in a fixed order. */
export function servedKeys(rows: Row[]): string[] {
  return [...new Set(rows.flatMap((row) => Object.keys(row)))].sort();
}

/**
 * Rows (served or delivered) projected on `keys`, as sorted JSON texts (a multiset): each value as
 * text (numbers as strings, as the connector declares every field a string), absent values null,
 * nested arrays as given.
 */
export function projections(rows: Row[], keys: string[]): string[] {
  return rows
    .map((row) =>
      JSON.stringify(
        keys.map((key) => {
          const value = row[key];
          return typeof value === 'number' || typeof value === 'boolean' ? String(value) : (value ?? null);
        }),
      ),
    )
    .sort();
}
