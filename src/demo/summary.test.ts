import { describe, expect, it } from 'vitest';
import type { CallLogEntry } from '../simulator/index.js';
import {
  AgentCallTally,
  callRatio,
  renderStreamSummary,
  renderSummary,
  renderTable,
  TransferTally,
  truncatedCalls,
} from './summary.js';

const transfer = (senderId: string, senderName: string, receiverName: string) => ({
  transfer_agent_id: senderId,
  transfer_agent_name: senderName,
  receiver_agent_name: receiverName,
});

function tallyOf(records: Record<string, unknown>[]): TransferTally {
  const tally = new TransferTally();
  records.forEach((record) => tally.add(record));
  return tally;
}

const call = (status: number, records: number): CallLogEntry => ({
  call: 1,
  api: 'chat_9',
  dateIni: '20260101000000',
  dateEnd: '20260101235959',
  status,
  outcome: status === 200 ? 'ok' : 'not-found',
  records,
  matched: records,
  faults: [],
});

describe('TransferTally', () => {
  const tally = tallyOf([
    transfer('1', 'Ana', 'SKILL'),
    transfer('1', 'Ana', 'Luis'),
    transfer('1', 'Ana', 'SKILL'),
    transfer('2', 'Luis', 'Ana'),
    transfer('3', 'Bea', 'SKILL'),
    // Another agent with the same name is counted apart.
    transfer('4', 'Ana', 'Luis'),
  ]);

  it('ranks agents by transfers made, ties by name, with their share of all transfers', () => {
    expect(tally.topSenders(3)).toEqual([
      { id: '1', name: 'Ana', transfers: 3, share: 0.5 },
      { id: '4', name: 'Ana', transfers: 1, share: 1 / 6 },
      { id: '3', name: 'Bea', transfers: 1, share: 1 / 6 },
    ]);
  });

  it('gives the share of transfers that went to a skill group', () => {
    expect(tally.toSkillGroup).toBe(3);
    expect(tally.skillGroupShare()).toBe(0.5);
    expect(new TransferTally().skillGroupShare()).toBe(0);
  });
});

describe('call figures', () => {
  it('counts only full 200 answers as truncated', () => {
    expect(
      truncatedCalls([call(200, 60_000), call(200, 59_999), call(404, 0), call(200, 60_000)], 60_000),
    ).toBe(2);
  });

  it('compares calls used with the minimum', () => {
    expect(callRatio(17, 8)).toBe('2.13x');
    expect(callRatio(0, 0)).toBe('n/a');
  });
});

describe('rendering', () => {
  it('pads columns to the widest cell, numbers to the right', () => {
    expect(
      renderTable(
        ['agent', 'n'],
        [
          ['Ana', '1,000'],
          ['Bartolomé', '7'],
        ],
        [false, true],
      ),
    ).toBe(
      ['  agent          n', '  ---------  -----', '  Ana        1,000', '  Bartolomé      7'].join('\n'),
    );
  });

  it('sums the reads and shows the agents table', () => {
    const read = { states: 2, calls: 3, truncatedCalls: 1, minimumCalls: 2, durationMs: 1_500 };
    const text = renderSummary({
      reads: [
        { label: 'backfill', records: 5, ...read },
        { label: 'incremental', records: 1, ...read },
      ],
      totalMs: 4_000,
      finalState: { date: '2026-01-01 10:00:00' },
      tally: tallyOf([transfer('1', 'Ana', 'SKILL'), transfer('2', 'Luis', 'Ana')]),
    });
    expect(text).toMatch(/total\s+6\s+4\s+2\s+6\s+4\s+1\.50x\s+3\.0 s/);
    expect(text).toContain('demo duration: 4.0 s');
    expect(text).toContain('final state: {"date":"2026-01-01 10:00:00"}');
    expect(text).toMatch(/Ana\s+1\s+50\.0%/);
    expect(text).toContain('("SKILL") rather than a person: 50.0% (1 transfers)');
  });

  it('joins the agents table with the calls each agent handled, from agent_time_by_state', () => {
    const calls = new AgentCallTally();
    for (const record of [
      { agent_id: '1', calls: '30' },
      { agent_id: '1', calls: '10' },
      { agent_id: '2', calls: '-' },
    ])
      calls.add(record);
    expect(calls.byAgent).toEqual(
      new Map([
        ['1', 40],
        ['2', 0],
      ]),
    );
    const text = renderSummary({
      reads: [],
      totalMs: 0,
      finalState: {},
      tally: tallyOf([
        transfer('1', 'Ana', 'SKILL'),
        transfer('1', 'Ana', 'Luis'),
        transfer('2', 'Luis', 'Ana'),
        transfer('3', 'Bea', 'Ana'),
      ]),
      callsByAgent: new Map([...calls.byAgent, ['3', 10]]),
    });
    expect(text).toContain(
      'Top 5 agents by transfers per 100 calls handled (streams transfers + agent_time_by_state',
    );
    // Bea: 1 transfer in 10 calls; Ana: 2 in 40; Luis handled no calls.
    expect(text).toMatch(/Bea\s+1\s+10\s+10\.0\n\s+Ana\s+2\s+40\s+5\.0$/);
  });

  it('shows one line per stream of a multi-stream read', () => {
    expect(
      renderStreamSummary([
        { stream: 'chats', kind: 'event', records: 1_200, states: 3, calls: 2 },
        { stream: 'agent_time_by_state', kind: 'range_aggregate', records: 40, states: 4, calls: 4 },
      ]),
    ).toMatch(/chats\s+event\s+1,200\s+3\s+2\n\s+agent_time_by_state\s+range_aggregate\s+40\s+4\s+4$/);
  });
});
