import type { CliRun } from './run-cli.js';

/**
 * How many times each record id occurs. Ids are content hashes, so two transfers equal in every
 * field share one: deliveries are compared as multisets, not sets.
 */
export type IdCounts = Map<string, number>;

export function addId(counts: IdCounts, id: string): void {
  counts.set(id, (counts.get(id) ?? 0) + 1);
}

const countOf = (counts: IdCounts, id: string): number => counts.get(id) ?? 0;

export interface DeliveryCheck {
  /** Dataset records that neither read delivered. */
  missing: number;
  /** Deliveries beyond what the dataset holds: duplicates, or records it never had. */
  extra: number;
  /** Incremental deliveries of records the backfill had already delivered. */
  redelivered: number;
  /** Records appended after the backfill that the incremental read did not deliver. */
  appendedMissing: number;
}

export function checkDelivery(
  expected: IdCounts,
  backfill: IdCounts,
  incremental: IdCounts,
  appended: IdCounts,
): DeliveryCheck {
  const delivered = (id: string) => countOf(backfill, id) + countOf(incremental, id);
  let missing = 0;
  for (const [id, times] of expected) missing += Math.max(0, times - delivered(id));
  let extra = 0;
  for (const id of backfill.keys()) extra += Math.max(0, delivered(id) - countOf(expected, id));
  for (const [id, times] of incremental) {
    if (!backfill.has(id)) extra += Math.max(0, times - countOf(expected, id));
  }
  let redelivered = 0;
  for (const [id, times] of incremental) {
    const surplus = delivered(id) - countOf(expected, id);
    if (backfill.has(id) && surplus > 0) redelivered += Math.min(times, surplus);
  }
  let appendedMissing = 0;
  for (const [id, times] of appended) appendedMissing += Math.max(0, times - countOf(incremental, id));
  return { missing, extra, redelivered, appendedMissing };
}

export function deliveryProblems(check: DeliveryCheck): string[] {
  return [
    check.missing > 0 && `${check.missing} dataset records were never delivered`,
    check.extra > 0 && `${check.extra} deliveries are duplicates or not in the dataset`,
    check.redelivered > 0 && `the incremental read delivered ${check.redelivered} backfilled records again`,
    check.appendedMissing > 0 && `${check.appendedMissing} appended records were not delivered`,
  ].filter((problem): problem is string => typeof problem === 'string');
}

/** Protocol-level problems of a finished `read`: output, errors, final status, checkpoint counts. */
export function readProblems(label: string, run: CliRun, records: number): string[] {
  const problems: string[] = [];
  if (run.badLines.length > 0) {
    problems.push(`${label}: ${run.badLines.length} stdout lines are not known AirbyteMessages`);
  }
  let lastStatus: string | undefined;
  let checkpointed = 0;
  for (const message of run.messages) {
    if (message.type === 'STATE') checkpointed += message.state.sourceStats?.recordCount ?? 0;
    if (message.type !== 'TRACE') continue;
    if (message.trace.type === 'ERROR') problems.push(`${label}: TRACE ERROR ${message.trace.error.message}`);
    if (message.trace.type === 'STREAM_STATUS') lastStatus = message.trace.stream_status.status;
  }
  if (lastStatus !== 'COMPLETE')
    problems.push(`${label}: the stream ended ${lastStatus ?? 'without a status'}`);
  // A destination commits records only up to the last STATE: its counts must cover every record.
  if (checkpointed !== records) {
    problems.push(`${label}: STATE recordCounts add up to ${checkpointed}, but ${records} records came`);
  }
  return problems;
}
