import type { ReportDefinition } from '../streams/report-definition.js';
import { REPORT_DEFINITIONS } from '../streams/report-definitions.js';
import { formatLocal, SECONDS_PER_DAY, type LocalSeconds } from '../time/local-time.js';
import type { Agent } from './agents.js';
import { businessSecondOfDay, hourWeight, weekdayFactor } from './daily-curve.js';
import { mixSeed, mulberry32, pick, randomInt, roundRandomly, textSeed, type Random } from './random.js';
import {
  ACTIVITY_CODES,
  CAMPAIGNS,
  fieldValue,
  formatDuration,
  metricKind,
  SKILLS,
  type ActivityCode,
  type MetricKind,
  type RowContext,
  type Skill,
} from './report-values.js';
import type { RecordSource } from './response-body.js';
import { secondsRange } from './transfer-store.js';

/*
 * Every Reports Manager report except chat_9 (served by the transfer store), generated from the
 * stream definitions. Simulator choices where the live API is undocumented:
 * - event rows are spread over each day on the business-hours curve; a report's rows of one day
 *   are the same whatever window asks for them. The row sends the example's keys (the documented
 *   fields when the docs have no example), so documented/example mismatches reach the client;
 * - aggregates are sums over units (an hour; half an hour or 10 minutes for those buckets) whose
 *   first second lies in the range asked, so a range aggregate over two days is the sum of the two
 *   days. Counts and durations add up; averages and percentages are a summed part over a summed
 *   whole. Time-bucketed rows are one per bucket (a bucket without a date, such as `hour`, sums that
 *   hour over every day asked). Nested arrays in aggregate rows are plausible, not summed;
 * - each parameter value is its own partition: a skill, agent or campaign the operation does not
 *   have has no rows (404); campaign `all` covers every campaign.
 */

export interface ReportDataOptions {
  seed: number;
  /** First second with data. */
  from: LocalSeconds;
  /** Last second with data, inclusive. */
  to: LocalSeconds;
  /** The operation's agents (the transfer dataset's roster, so names agree across reports). */
  agents: readonly Agent[];
  /** Mean rows a day of an event report (per partition). Default 150. */
  eventsPerDay?: number;
  /** Event reports with their own mean rows a day. Default cdr_1 and agent_14 at 70,000: a weekday is over the cap. */
  denseReports?: Readonly<Record<string, number>>;
}

/** What a call asks of a report besides its name. */
export interface ReportQuery {
  from: LocalSeconds;
  to: LocalSeconds;
  fromInclusive: boolean;
  toInclusive: boolean;
  /** The value of the report's parameter, when it has one. */
  parameter: string | undefined;
}

/** The rows matching a query, as JSON text by index, in ascending time. */
export interface ReportRows extends RecordSource {
  count: number;
}

/** Which agents, skills, campaigns and codes a partition's rows are about. */
interface Partition {
  agents: readonly Agent[];
  skills: readonly Skill[];
  campaigns: readonly string[];
  codes: readonly ActivityCode[];
  seed: number;
}

/** A group member of an aggregate: whose row it is, and the values of group fields outside those. */
interface Member {
  context: RowContext;
  labels: Record<string, string>;
}

interface Accumulator {
  unit: LocalSeconds;
  member: number;
  sums: number[];
  wholes: number[];
}

export const DEFAULT_DENSE_REPORTS: Readonly<Record<string, number>> = { cdr_1: 70_000, agent_14: 70_000 };
const AGENT_DIMENSION = /^(agent_id|agent_name|agent_dni|id_agent)$/;
const SKILL_DIMENSION = /^(skill_id|skill_name)$/;
/** Agents that appear as groups in aggregates (a real operation has a few dozen active ones). */
const GROUP_AGENTS = 10;
const DAY_CACHE_LIMIT = 48;
/** Counts of what went wrong (abandoned, failed, busy...): a small share of the activity, not all of it. */
const FAILURE_COUNT = /abandon|fail|busy|no_answer|congestion|uncode|machine/;

function unitSecondsOf(definition: ReportDefinition): number {
  if (definition.bucketUnit === 'half_hour') return 1_800;
  if (definition.bucketUnit === 'ten_minutes') return 600;
  return 3_600;
}

/** The keys a row of the report carries: the example's, else the documented fields. */
function sentKeys(definition: ReportDefinition): readonly string[] {
  return definition.exampleKeys ?? definition.fields;
}

function bucketLabel(field: string, unit: LocalSeconds): string {
  const text = formatLocal(unit);
  return field === 'hour' ? text.slice(11, 16) : text.slice(0, 10);
}

/** The items of a nested array (an object for cdr_4's per-interval fields). */
function nestedValue(
  field: string,
  itemKeys: readonly string[],
  random: Random,
  context: RowContext,
): unknown {
  const item = (second: LocalSeconds) =>
    Object.fromEntries(itemKeys.map((key) => [key, fieldValue(key, random, { ...context, second })]));
  if (/^\d|greater_than/.test(field)) return item(context.second);
  const items = [];
  const hourly = itemKeys.includes('hour');
  let second = context.second;
  for (let index = 1 + randomInt(random, 4); index > 0; index--) {
    items.push(item(second));
    second += hourly ? 3_600 : 1 + randomInt(random, 120);
  }
  return items;
}

function renderMetric(kind: MetricKind, sum: number, whole: number): string {
  switch (kind) {
    case 'count':
      return String(sum);
    case 'duration':
      return formatDuration(sum);
    case 'average':
      return formatDuration(whole === 0 ? 0 : sum / whole);
    case 'ratio':
      return (whole === 0 ? 0 : (100 * sum) / whole).toFixed(2);
  }
}

/** Generated rows of every report but chat_9, deterministic by seed. */
export class ReportData {
  private readonly definitions: Map<string, ReportDefinition>;
  private readonly eventsPerDay: number;
  private readonly dense: Readonly<Record<string, number>>;
  private readonly daySeconds = new Map<string, Float64Array>();

  constructor(private readonly options: ReportDataOptions) {
    // chat_9 is the transfer store's.
    const definitions = REPORT_DEFINITIONS.filter((entry) => entry.report !== 'chat_9');
    this.definitions = new Map(definitions.map((definition) => [definition.report, definition]));
    this.eventsPerDay = options.eventsPerDay ?? 150;
    this.dense = options.denseReports ?? DEFAULT_DENSE_REPORTS;
  }

  /** Whether the report has generated rows here. */
  has(report: string): boolean {
    return this.definitions.has(report);
  }

  /**
   * The rows a call for `report` gets, before the cap: events dated inside the range, or aggregate
   * rows computed over it. Throws when the report has no definition here (see `has`).
   */
  rows(report: string, query: ReportQuery): ReportRows {
    const definition = this.definitions.get(report);
    if (!definition) throw new Error(`No generated data for ${report}.`);
    const partition = this.partitionOf(definition, query.parameter);
    if (!partition) return { count: 0, jsonAt: () => '' };
    return definition.kind === 'event'
      ? this.eventRows(definition, partition, query)
      : this.aggregateRows(definition, partition, query);
  }

  private partitionOf(definition: ReportDefinition, value: string | undefined): Partition | undefined {
    const agents = this.options.agents;
    const all: Partition = {
      agents,
      skills: SKILLS,
      campaigns: CAMPAIGNS,
      codes: [...ACTIVITY_CODES.cod_act1, ...ACTIVITY_CODES.cod_act2],
      seed: 0,
    };
    if (definition.parameter === 'none' || value === undefined) return all;
    const seed = textSeed(value);
    switch (definition.parameter) {
      case 'skill_id': {
        const skill = SKILLS.find((entry) => entry.id === value);
        return skill && { ...all, skills: [skill], seed };
      }
      case 'agent_id': {
        const agent = agents.find((entry) => entry.id === value);
        return agent && { ...all, agents: [agent], seed };
      }
      case 'campaign_id':
        if (value === 'all') return { ...all, seed };
        return CAMPAIGNS.includes(value) ? { ...all, campaigns: [value], seed } : undefined;
      case 'cod_act':
        return value === 'cod_act1' || value === 'cod_act2'
          ? { ...all, codes: ACTIVITY_CODES[value], seed }
          : undefined;
    }
  }

  private firstDay(): number {
    return Math.floor(this.options.from / SECONDS_PER_DAY);
  }

  private lastDay(): number {
    return Math.floor(this.options.to / SECONDS_PER_DAY);
  }

  /** The sorted seconds of one day's events of a report partition (cached: the same day, the same rows). */
  private secondsOfDay(definition: ReportDefinition, partition: Partition, day: number): Float64Array {
    const key = `${definition.report}|${partition.seed}|${day}`;
    let seconds = this.daySeconds.get(key);
    if (!seconds) {
      const random = mulberry32(mixSeed(this.options.seed, textSeed(definition.report), partition.seed, day));
      const perDay = this.dense[definition.report] ?? this.eventsPerDay;
      const count = roundRandomly(random, perDay * weekdayFactor(day) * (0.85 + 0.3 * random()));
      const dayStart = day * SECONDS_PER_DAY;
      const drawn = new Float64Array(count);
      for (let index = 0; index < count; index++) drawn[index] = dayStart + businessSecondOfDay(random);
      drawn.sort();
      const range = secondsRange(drawn, count, this.options.from, this.options.to, true, true);
      seconds = drawn.subarray(range.start, range.end);
      if (this.daySeconds.size >= DAY_CACHE_LIMIT) this.daySeconds.clear();
      this.daySeconds.set(key, seconds);
    }
    return seconds;
  }

  private eventRows(definition: ReportDefinition, partition: Partition, query: ReportQuery): ReportRows {
    const segments: { day: number; seconds: Float64Array; start: number; offset: number }[] = [];
    let count = 0;
    const first = Math.max(this.firstDay(), Math.floor(query.from / SECONDS_PER_DAY));
    const last = Math.min(this.lastDay(), Math.floor(query.to / SECONDS_PER_DAY));
    for (let day = first; day <= last; day++) {
      const seconds = this.secondsOfDay(definition, partition, day);
      const range = secondsRange(
        seconds,
        seconds.length,
        query.from,
        query.to,
        query.fromInclusive,
        query.toInclusive,
      );
      if (range.end === range.start) continue;
      segments.push({ day, seconds, start: range.start, offset: count });
      count += range.end - range.start;
    }
    const keys = sentKeys(definition);
    const reportSeed = textSeed(definition.report);
    const jsonAt = (index: number): string => {
      let low = 0;
      let high = segments.length - 1;
      while (low < high) {
        const middle = (low + high + 1) >>> 1;
        if ((segments[middle] as (typeof segments)[number]).offset <= index) low = middle;
        else high = middle - 1;
      }
      const segment = segments[low] as (typeof segments)[number];
      const position = segment.start + index - segment.offset;
      const second = segment.seconds[position] as number;
      const random = mulberry32(
        mixSeed(this.options.seed, reportSeed, partition.seed, segment.day, position),
      );
      const context: RowContext = {
        agent: pick(random, partition.agents),
        otherAgent: pick(random, this.options.agents),
        skill: pick(random, partition.skills),
        campaign: pick(random, partition.campaigns),
        code: pick(random, partition.codes),
        second,
      };
      const row: Record<string, unknown> = {};
      for (const key of keys) {
        const itemKeys = definition.nestedArrays[key];
        row[key] = itemKeys ? nestedValue(key, itemKeys, random, context) : fieldValue(key, random, context);
      }
      if (definition.timestampField !== null && definition.timestampField in row)
        row[definition.timestampField] = formatLocal(second);
      return JSON.stringify(row);
    };
    return { count, jsonAt };
  }

  /** The group members of an aggregate: the cross product of its group dimensions. */
  private membersOf(definition: ReportDefinition, partition: Partition): Member[] {
    const base: RowContext = {
      agent: partition.agents[0] as Agent,
      otherAgent: partition.agents[0] as Agent,
      skill: partition.skills[0] as Skill,
      campaign: partition.campaigns[0] as string,
      code: partition.codes[0] as ActivityCode,
      second: this.options.from,
    };
    let members: Member[] = [{ context: base, labels: {} }];
    const expand = <T>(values: readonly T[], apply: (member: Member, value: T) => Member) => {
      members = members.flatMap((member) => values.map((value) => apply(member, value)));
    };
    const seen = new Set<string>();
    const sent = new Set(sentKeys(definition));
    for (const field of definition.groupFields) {
      // A group field the rows do not carry (under its name or its alias) cannot tell rows apart.
      const alias = definition.aliases[field];
      if (!sent.has(field) && !(alias !== undefined && sent.has(alias))) continue;
      if (AGENT_DIMENSION.test(field)) {
        if (seen.has('agent')) continue;
        seen.add('agent');
        expand(partition.agents.slice(0, GROUP_AGENTS), (member, agent) => ({
          ...member,
          context: { ...member.context, agent },
        }));
      } else if (SKILL_DIMENSION.test(field)) {
        if (seen.has('skill')) continue;
        seen.add('skill');
        expand(partition.skills, (member, skill) => ({ ...member, context: { ...member.context, skill } }));
      } else if (field === 'campaign_id') {
        expand(partition.campaigns, (member, campaign) => ({
          ...member,
          context: { ...member.context, campaign },
        }));
      } else if (field === 'cod_act') {
        expand(partition.codes, (member, code) => ({ ...member, context: { ...member.context, code } }));
      } else {
        const values = new Set<string>();
        for (let draw = 0; draw < 12 && values.size < 4; draw++) {
          const value = fieldValue(
            field,
            mulberry32(mixSeed(this.options.seed, textSeed(field), draw)),
            base,
          );
          if (value.trim() !== '' && value !== '-') values.add(value);
        }
        const named = alias === undefined ? [field] : [field, alias];
        expand([...values], (member, value) => ({
          ...member,
          labels: { ...member.labels, ...Object.fromEntries(named.map((name) => [name, value])) },
        }));
      }
    }
    return members;
  }

  private aggregateRows(definition: ReportDefinition, partition: Partition, query: ReportQuery): ReportRows {
    const { seed, from: dataFrom, to: dataTo } = this.options;
    const unitSeconds = unitSecondsOf(definition);
    const members = this.membersOf(definition, partition);
    const keys = sentKeys(definition);
    const keyFields = new Set([...definition.bucketFields, ...definition.groupFields]);
    const metrics = keys
      .filter((key) => !keyFields.has(key) && definition.nestedArrays[key] === undefined)
      .flatMap((key) => {
        const kind = metricKind(key);
        return kind === undefined ? [] : [{ key, kind, failure: FAILURE_COUNT.test(key) }];
      });
    const reportSeed = textSeed(definition.report);
    const rows = new Map<string, Accumulator>();
    const firstUnit = Math.ceil(Math.max(query.from, dataFrom) / unitSeconds) * unitSeconds;
    for (let unit = firstUnit; unit <= Math.min(query.to, dataTo); unit += unitSeconds) {
      if ((unit === query.from && !query.fromInclusive) || (unit === query.to && !query.toInclusive))
        continue;
      const day = Math.floor(unit / SECONDS_PER_DAY);
      const weight =
        (hourWeight(Math.floor((unit % SECONDS_PER_DAY) / 3600)) * weekdayFactor(day) * unitSeconds) / 3600;
      const bucket = definition.bucketFields.map((field) => bucketLabel(field, unit)).join(' ');
      members.forEach((_, member) => {
        const random = mulberry32(mixSeed(seed, reportSeed, partition.seed, member, unit));
        const activity = roundRandomly(random, 3 * weight);
        if (activity === 0) return;
        const key = `${bucket}|${member}`;
        let row = rows.get(key);
        if (!row) {
          row = { unit, member, sums: metrics.map(() => 0), wholes: metrics.map(() => 0) };
          rows.set(key, row);
        }
        const { sums, wholes } = row;
        metrics.forEach(({ kind, failure }, index) => {
          const handled = activity * (20 + randomInt(random, 280));
          if (kind === 'count')
            sums[index] =
              (sums[index] as number) +
              (failure
                ? randomInt(random, Math.ceil(activity / 5) + 1)
                : activity + randomInt(random, activity + 1));
          else if (kind === 'duration') sums[index] = (sums[index] as number) + handled;
          else {
            sums[index] =
              (sums[index] as number) + (kind === 'average' ? handled : randomInt(random, activity + 1));
            wholes[index] = (wholes[index] as number) + activity;
          }
        });
      });
    }
    const json = [...rows.values()].map(({ unit, member: memberIndex, sums, wholes }) => {
      const member = members[memberIndex] as Member;
      const labelRandom = mulberry32(mixSeed(seed, reportSeed, partition.seed, memberIndex));
      const context = { ...member.context, second: unit };
      const nestedRandom = mulberry32(mixSeed(seed, reportSeed, memberIndex, unit, query.from, query.to));
      const row: Record<string, unknown> = {};
      for (const key of keys) {
        const metric = metrics.findIndex((entry) => entry.key === key);
        const itemKeys = definition.nestedArrays[key];
        if (definition.bucketFields.includes(key)) row[key] = bucketLabel(key, unit);
        else if (metric !== -1)
          row[key] = renderMetric(
            (metrics[metric] as (typeof metrics)[number]).kind,
            sums[metric] as number,
            wholes[metric] as number,
          );
        else if (itemKeys) row[key] = nestedValue(key, itemKeys, nestedRandom, context);
        else row[key] = member.labels[key] ?? fieldValue(key, labelRandom, context);
      }
      return JSON.stringify(row);
    });
    return { count: json.length, jsonAt: (index) => json[index] as string };
  }
}

/** Rows of every report over the same days, seed and agents as a transfer dataset (chat_9). */
export function reportDataFor(
  dataset: { settings: { seed: number; from: LocalSeconds; to: LocalSeconds }; agents: readonly Agent[] },
  options: Partial<Omit<ReportDataOptions, 'agents'>> = {},
): ReportData {
  const { seed, from, to } = dataset.settings;
  return new ReportData({ seed, from, to, agents: dataset.agents, ...options });
}
