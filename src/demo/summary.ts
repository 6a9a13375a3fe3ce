import type { CallLogEntry } from '../simulator/index.js';

/** What Wolkvox puts in receiver_agent_name when an interaction went to a skill group, not a person. */
const SKILL_GROUP = 'SKILL';
const FINAL_STATE_CHARS = 160;

export const formatCount = (value: number): string => value.toLocaleString('en-US');
export const formatSeconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
export const formatShare = (share: number): string => `${(100 * share).toFixed(1)}%`;

export interface AgentShare {
  /** The agent id (`transfer_agent_id`), which other reports use too. */
  id: string;
  name: string;
  transfers: number;
  /** Of all transfers tallied, 0 to 1. */
  share: number;
}

/** Counts delivered transfers by who made them, and how many went to a skill group. */
export class TransferTally {
  total = 0;
  toSkillGroup = 0;
  // By agent id: two agents may share a name.
  private readonly bySender = new Map<string, { name: string; transfers: number }>();

  add(record: Record<string, unknown>): void {
    this.total++;
    if (record.receiver_agent_name === SKILL_GROUP) this.toSkillGroup++;
    const id = String(record.transfer_agent_id);
    const sender = this.bySender.get(id);
    if (sender) sender.transfers++;
    else this.bySender.set(id, { name: String(record.transfer_agent_name), transfers: 1 });
  }

  /** The `count` agents who transfer most, most first (ties by name, so the table is stable). */
  topSenders(count: number): AgentShare[] {
    return [...this.bySender.entries()]
      .map(([id, sender]) => ({ id, ...sender }))
      .sort((a, b) => b.transfers - a.transfers || a.name.localeCompare(b.name))
      .slice(0, count)
      .map(({ id, name, transfers }) => ({ id, name, transfers, share: transfers / this.total }));
  }

  /** Transfers made by the agent with this id (0 if none). */
  transfersOf(id: string): number {
    return this.bySender.get(id)?.transfers ?? 0;
  }

  /** The name of the agent with this id, as its transfers give it. */
  nameOf(id: string): string | undefined {
    return this.bySender.get(id)?.name;
  }

  skillGroupShare(): number {
    return this.total === 0 ? 0 : this.toSkillGroup / this.total;
  }
}

/** Calls handled per agent id, summed over the days of `agent_time_by_state` (report agent_1) records. */
export class AgentCallTally {
  readonly byAgent = new Map<string, number>();

  /** Adds one agent_time_by_state record; its `calls` is a number as text (anything else counts 0). */
  add(record: Record<string, unknown>): void {
    const calls = Number(record.calls);
    const id = String(record.agent_id);
    this.byAgent.set(id, (this.byAgent.get(id) ?? 0) + (Number.isFinite(calls) ? calls : 0));
  }
}

/** What one stream of a multi-stream read delivered and cost. */
export interface StreamFacts {
  stream: string;
  /** event, time_bucketed or range_aggregate. */
  kind: string;
  records: number;
  states: number;
  /** Simulator calls for the stream's report. */
  calls: number;
}

/** The per-stream table of a read of several streams. */
export function renderStreamSummary(streams: StreamFacts[]): string {
  return renderTable(
    ['stream', 'kind', 'records', 'STATEs', 'API calls'],
    streams.map((facts) => [
      facts.stream,
      facts.kind,
      formatCount(facts.records),
      formatCount(facts.states),
      formatCount(facts.calls),
    ]),
    [false, false, true, true, true],
  );
}

/** Calls answered with a full page: the API cut the window, so the connector had to split it. */
export function truncatedCalls(calls: readonly CallLogEntry[], cap: number): number {
  return calls.filter((call) => call.status === 200 && call.records >= cap).length;
}

/** Calls used per call a planner knowing every date in advance would need ("1.25x"). */
export function callRatio(calls: number, minimum: number): string {
  return minimum === 0 ? 'n/a' : `${(calls / minimum).toFixed(2)}x`;
}

/** Columns padded to their widest cell; `rightAligned[i]` for number columns. */
export function renderTable(header: string[], rows: string[][], rightAligned: boolean[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const renderRow = (row: string[]) =>
    row
      .map((cell, column) =>
        rightAligned[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return [renderRow(header), renderRow(widths.map((width) => '-'.repeat(width))), ...rows.map(renderRow)]
    .map((line) => `  ${line}`)
    .join('\n');
}

export interface ReadFacts {
  label: string;
  records: number;
  /** STATE messages: one per window read. */
  states: number;
  calls: number;
  truncatedCalls: number;
  minimumCalls: number;
  durationMs: number;
}

export interface SummaryFacts {
  reads: ReadFacts[];
  totalMs: number;
  finalState: unknown;
  tally: TransferTally;
  /** Calls handled by agent id (from agent_time_by_state), when that stream was read: joins the agent table. */
  callsByAgent?: ReadonlyMap<string, number>;
}

function abbreviate(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, chars - 1)}…`;
}

export function renderSummary({ reads, totalMs, finalState, tally, callsByAgent }: SummaryFacts): string {
  const sum = (pick: (read: ReadFacts) => number) => reads.reduce((total, read) => total + pick(read), 0);
  const total: ReadFacts = {
    label: 'total',
    records: sum((read) => read.records),
    states: sum((read) => read.states),
    calls: sum((read) => read.calls),
    truncatedCalls: sum((read) => read.truncatedCalls),
    minimumCalls: sum((read) => read.minimumCalls),
    durationMs: sum((read) => read.durationMs),
  };
  const readRows = [...reads, total].map((read) => [
    read.label,
    formatCount(read.records),
    formatCount(read.states),
    formatCount(read.truncatedCalls),
    formatCount(read.calls),
    formatCount(read.minimumCalls),
    callRatio(read.calls, read.minimumCalls),
    formatSeconds(read.durationMs),
  ]);
  const agentRows = tally
    .topSenders(5)
    .map((agent) => [agent.name, formatCount(agent.transfers), formatShare(agent.share)]);
  return [
    'Summary',
    renderTable(
      ['read', 'records', 'windows (STATEs)', 'truncated calls', 'API calls', 'minimum', 'ratio', 'duration'],
      readRows,
      [false, true, true, true, true, true, true, true],
    ),
    `  demo duration: ${formatSeconds(totalMs)}`,
    `  final state: ${abbreviate(JSON.stringify(finalState), FINAL_STATE_CHARS)}`,
    '',
    `Top 5 agents by transfers made (of ${formatCount(tally.total)} delivered)`,
    renderTable(['agent', 'transfers', 'share'], agentRows, [false, true, true]),
    `  went to a skill group ("${SKILL_GROUP}") rather than a person: ${formatShare(tally.skillGroupShare())}` +
      ` (${formatCount(tally.toSkillGroup)} transfers)`,
    ...(callsByAgent === undefined ? [] : ['', renderTransferRates(tally, callsByAgent)]),
  ].join('\n');
}

/**
 * The agents of agent_time_by_state who transfer most per call they handled (streams `transfers` and
 * `agent_time_by_state` joined on the agent id), top 5, agents without calls left out.
 */
export function renderTransferRates(tally: TransferTally, callsByAgent: ReadonlyMap<string, number>): string {
  const rows = [...callsByAgent.entries()]
    .filter(([, calls]) => calls > 0)
    .map(([id, calls]) => ({ id, calls, transfers: tally.transfersOf(id) }))
    .sort((a, b) => b.transfers / b.calls - a.transfers / a.calls || a.id.localeCompare(b.id))
    .slice(0, 5)
    .map((agent) => [
      tally.nameOf(agent.id) ?? agent.id,
      formatCount(agent.transfers),
      formatCount(agent.calls),
      ((100 * agent.transfers) / agent.calls).toFixed(1),
    ]);
  return [
    'Top 5 agents by transfers per 100 calls handled (streams transfers + agent_time_by_state, by agent id)',
    renderTable(['agent', 'transfers', 'calls handled', 'per 100 calls'], rows, [false, true, true, true]),
  ].join('\n');
}
