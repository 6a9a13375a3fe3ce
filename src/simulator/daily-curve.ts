import { randomInt, type Random } from './random.js';

/**
 * Relative transfer volume per hour of the day: a contact centre's business hours, busiest mid
 * morning and mid afternoon, a lunch dip, a thin night shift.
 */
const HOURLY_WEIGHTS = [
  0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 1, 3, 7, 10, 10, 9, 6, 7, 9, 9, 8, 6, 4, 3, 2, 1.5, 1, 0.5,
];

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

const TOTAL_WEIGHT = sum(HOURLY_WEIGHTS);
let weightSoFar = 0;
/** Upper edge of each hour in [0, 1]: a uniform draw below edge h and above edge h-1 falls in hour h. */
const HOUR_EDGES = HOURLY_WEIGHTS.map((weight) => (weightSoFar += weight) / TOTAL_WEIGHT);

/** How busy hour `hour` (0 to 23) of a day is compared with the mean hour: the same curve, mean 1. */
export function hourWeight(hour: number): number {
  return ((HOURLY_WEIGHTS[hour] ?? 0) * HOURLY_WEIGHTS.length) / TOTAL_WEIGHT;
}

/** A second of the day (0 to 86,399) drawn from the business-hours curve. */
export function businessSecondOfDay(random: Random): number {
  const draw = random();
  const hour = HOUR_EDGES.findIndex((edge) => draw < edge);
  return (hour === -1 ? 23 : hour) * 3600 + randomInt(random, 3600);
}

// 1970-01-01 (day 0) was a Thursday.
const THURSDAY = 4;
/** Relative volume by weekday, Sunday first: weekends are quieter. */
const WEEKDAY_WEIGHTS = [0.2, 1, 1, 1, 1, 1, 0.45];
const WEEK_MEAN = sum(WEEKDAY_WEIGHTS) / 7;

/** How busy day number `day` (days since 1970-01-01) is compared with the mean day of a week. */
export function weekdayFactor(day: number): number {
  return (WEEKDAY_WEIGHTS[(day + THURSDAY) % 7] as number) / WEEK_MEAN;
}
