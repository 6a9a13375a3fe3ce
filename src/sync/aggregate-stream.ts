import { ConfigError, SystemError } from '../errors/index.js';
import type { ReportDefinition } from '../streams/report-definition.js';
import { shapeReportAggregate } from '../streams/report-shape.js';
import {
  formatLocal,
  isDateOnly,
  parseLocal,
  SECONDS_PER_DAY,
  type LocalSeconds,
} from '../time/local-time.js';
import { wallClockAt } from '../time/zone.js';
import { CallBudgetExhaustedError, parseRawRecords, type RawRecord } from '../wolkvox/types.js';
import type { SyncParams } from './read-stream.js';
import { stopAtBudget } from './budget-stop.js';
import { SyncProgress, type SyncTotals } from './progress.js';
import { FULL_REFRESH_COMPLETE, stateShape, unusable } from './stream-state.js';

/** What a partition's read needs: the event engine's parameters (`state` is the partition's), and the report. */
export interface AggregateSyncParams extends Omit<SyncParams, 'stream'> {
  /** An aggregate report (time_bucketed or range_aggregate). */
  definition: ReportDefinition;
  /** The stream's name in messages: with its partition for partitioned streams, e.g. "x (skill_id 12)". */
  label: string;
  /** The partition's parameter value (e.g. skill "12"); undefined when the report has no parameter. */
  partition: string | undefined;
  /** The partition's query parameter, e.g. `{ skill_id: "12" }`. */
  params: Readonly<Record<string, string>> | undefined;
  /** Names of fields a row carried that the schema does not declare (the record keeps them). */
  onUndeclared(names: readonly string[]): void;
}

export interface AggregateSummary extends SyncTotals {
  /** The per-sync call budget stopped the sync early; the next one continues from `finalState`. */
  budgetExhausted: boolean;
  finalState: Record<string, unknown>;
}

/**
 * The stream_state of an aggregate stream (of one partition): `report_date`, the last day read that
 * had ended when it was read ("YYYY-MM-DD"); `full_refresh_in_progress` while a full refresh has not
 * finished (it resumes after `report_date`, the last day it read).
 */
export interface AggregateStateJson {
  report_date?: string;
  full_refresh_in_progress?: true;
}

interface AggregateCheckpoint {
  /** LocalSeconds of the day's 00:00:00. */
  day: LocalSeconds;
  fullRefreshInProgress: boolean;
}

const dayStart = (seconds: LocalSeconds): LocalSeconds =>
  seconds - (((seconds % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY);
const dayText = (day: LocalSeconds): string => formatLocal(day).slice(0, 10);

/**
 * Reads an aggregate stream's incoming state (of one partition). Nothing, `{}` and the
 * finished-full-refresh marker mean "no state". Throws ConfigError (see `unusable`: names the stream,
 * the shape expected and the fix) for anything else than `AggregateStateJson`, e.g. an event stream's
 * or a partitioned stream's state, as the event streams do (`parseStreamState`).
 */
export function parseAggregateState(stream: string, state: unknown): AggregateCheckpoint | undefined {
  if (state === undefined || state === null) return undefined;
  if (typeof state !== 'object' || Array.isArray(state))
    throw unusable(stream, `it must be a JSON object, got ${JSON.stringify(state)}`);
  const fields = state as Record<string, unknown>;
  if (Object.keys(fields).length === 0 || fields.__ab_full_refresh_sync_complete === true) return undefined;
  if (fields.report_date === undefined)
    throw unusable(
      stream,
      `an aggregate stream's state is {"report_date": "YYYY-MM-DD"} (the last day read), got ${stateShape(fields)}`,
    );
  const text = fields.report_date;
  const day = typeof text === 'string' && isDateOnly(text) ? parseLocal(text) : undefined;
  if (day === undefined)
    throw unusable(stream, `"report_date" must be a date "YYYY-MM-DD", got ${JSON.stringify(text)}`);
  return { day, fullRefreshInProgress: fields.full_refresh_in_progress === true };
}

/**
 * Reads one partition of an aggregate stream, one operation-local calendar day per call: each call
 * asks exactly 00:00:00 to 23:59:59 of its day (no padding: an aggregate over a longer range has other
 * numbers) and the day's rows become records with `report_date` (and `bucket`), after a whole day
 * was read (a retried call never delivers twice). STATE after every day.
 *
 * Days read: a full refresh reads start_date's day to today (or end_date's day), resuming an
 * unfinished full refresh after its last day; an incremental sync starts `aggregate_reread_days`
 * complete days before the day after its state's `report_date` (those numbers may still change;
 * the destination deduplicates on the primary key), and the state only moves to days that had ended.
 * A 404 is a day without rows. A state whose `report_date` is after the operation's today is kept as
 * it is, with a WARN naming the stream and the date.
 *
 * Throws SystemError when a day returns as many rows as one call can (records_per_call_limit): its
 * numbers would be cut and an aggregate cannot be split. Throws the client's ConnectorError, a
 * ConfigError for an unusable state or for a call budget no larger than the days an incremental sync
 * reads again before a new day (its state could never move), and TransientError when the call budget
 * stops a full refresh. In an incremental sync the budget ends the sync cleanly (WARN, `budgetExhausted`).
 */
export async function syncAggregateStream(params: AggregateSyncParams): Promise<AggregateSummary> {
  const { definition, client, config, output } = params;
  const stream = params.label;
  const cap = config.recordsPerCallLimit;
  const fullRefresh = params.syncMode === 'full_refresh';
  const nowLocal = wallClockAt(config.timezone, params.now());
  const today = dayStart(nowLocal);
  const saved = parseAggregateState(stream, params.state);
  const startDay = dayStart(config.startDate);
  const lastDay = dayStart(Math.min(config.endDate ?? nowLocal, nowLocal));
  let firstDay = startDay;
  if (saved !== undefined && !fullRefresh)
    firstDay = Math.max(startDay, saved.day + SECONDS_PER_DAY * (1 - config.aggregateRereadDays));
  else if (saved?.fullRefreshInProgress === true) firstDay = saved.day + SECONDS_PER_DAY;
  // The state's day: only days that had ended move it in an incremental sync.
  let stateDay = !fullRefresh || saved?.fullRefreshInProgress === true ? saved?.day : undefined;
  if (stateDay !== undefined && stateDay > today) {
    // Kept as it is: a cursor never moves backwards silently.
    output.log(
      'WARN',
      `${stream}: the saved state's report_date ${dayText(stateDay)} is after today (${dayText(today)} in ` +
        `${config.timezone}), so no new day is read and the state stays at ${dayText(stateDay)} until that day ` +
        'has passed. If the time zone is wrong, correct timezone; if the state is wrong, reset this stream in ' +
        "Airbyte (or correct its state in the connection's settings) so that it is read again from start_date.",
    );
  }
  const callBudget = config.callBudget;
  // Days read again before any new day: one call each.
  const rereadDays =
    stateDay === undefined || fullRefresh
      ? 0
      : Math.max(0, (Math.min(stateDay, lastDay) - firstDay) / SECONDS_PER_DAY + 1);
  if (callBudget !== undefined && stateDay !== undefined && lastDay > stateDay && callBudget <= rereadDays) {
    throw new ConfigError(
      `${stream}: max_api_calls_per_sync (${callBudget}) is too small for this stream to move: each incremental ` +
        `sync first reads again the last ${rereadDays} days it read (aggregate_reread_days ` +
        `${config.aggregateRereadDays}), one call each, before any new day, so its state would stay at ` +
        `${dayText(stateDay)} forever. Raise max_api_calls_per_sync above ${rereadDays} (it counts the calls ` +
        'of every stream and partition of the sync), or lower aggregate_reread_days.',
    );
  }
  const progress = new SyncProgress(output, stream, () => client.callsMade);
  let recordsAtState = 0;
  let finalState: Record<string, unknown> = {};
  const emitState = async (state: Record<string, unknown>): Promise<void> => {
    finalState = state;
    const count = progress.totals.records - recordsAtState;
    recordsAtState = progress.totals.records;
    await output.state(state, count);
  };
  const currentState = (): Record<string, unknown> => {
    const state: AggregateStateJson = stateDay === undefined ? {} : { report_date: dayText(stateDay) };
    if (fullRefresh && stateDay !== undefined) state.full_refresh_in_progress = true;
    return state as Record<string, unknown>;
  };

  const days = firstDay > lastDay ? 0 : (lastDay - firstDay) / SECONDS_PER_DAY + 1;
  output.log(
    'INFO',
    days === 0
      ? `${stream}: nothing to read: the next day is ${dayText(firstDay)}, after ${dayText(lastDay)}.`
      : `${stream}: reading ${days} days from ${dayText(firstDay)} to ${dayText(lastDay)}, one call per day.`,
  );
  let budgetExhausted = false;
  let day = firstDay;
  try {
    for (; day <= lastDay; day += SECONDS_PER_DAY) {
      const request = {
        report: definition.report,
        from: day,
        to: day + SECONDS_PER_DAY - 1,
        params: params.params,
      };
      // A day is delivered whole or not at all (its size decides), so its rows are kept until the end.
      let rows: RawRecord[] = [];
      for await (const event of client.readWindow(request, parseRawRecords)) {
        if (event.type === 'records') for (const row of event.records) rows.push(row);
        else if (event.type === 'restart') rows = [];
      }
      if (rows.length >= cap) {
        throw new SystemError(
          `${stream}: Wolkvox returned ${rows.length} rows for ${dayText(day)}, the most one call returns ` +
            `(records_per_call_limit ${cap}), so that day's rows may be cut. An aggregate report cannot be ` +
            'read in parts (a shorter range gives other numbers), so nothing of that day was delivered. ' +
            `Deselect ${stream}, or ask Wolkvox for the report ${definition.report} of that day; if Wolkvox ` +
            'raised its limit, raise records_per_call_limit.',
        );
      }
      const reportDate = dayText(day);
      for (const raw of rows) {
        const { record, undeclared } = shapeReportAggregate(raw, definition, reportDate, params.partition);
        if (undeclared.length > 0) params.onUndeclared(undeclared);
        output.records.open();
        output.records.text(JSON.stringify(record));
        output.records.close();
      }
      progress.totals.records += rows.length;
      if (rows.length > 0) await output.endRecordBatch();
      if (fullRefresh || day < today) stateDay = Math.max(stateDay ?? day, day);
      progress.windowCompleted({ from: day, to: day + SECONDS_PER_DAY - 1 }, lastDay + SECONDS_PER_DAY - 1);
      await emitState(currentState());
    }
    if (fullRefresh) await emitState({ ...FULL_REFRESH_COMPLETE });
    else if (days === 0) await emitState(currentState());
  } catch (error) {
    if (!(error instanceof CallBudgetExhaustedError)) throw error;
    budgetExhausted = true;
    const where = `after ${progress.callsSoFar} calls; the next sync continues from ${dayText(day)}`;
    stopAtBudget(stream, error, where, fullRefresh, output);
    await emitState(currentState());
  }
  const totals = progress.finish(budgetExhausted ? 'stopped at the call budget' : 'sync done');
  return { ...totals, budgetExhausted, finalState };
}
