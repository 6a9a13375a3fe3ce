import { describe, expect, it } from 'vitest';
import { at, syncConfig } from '../../test-support/sync-config.js';
import { sourceStreams } from '../streams/source-streams.js';
import { budgetReadingOrder, readingOrderLine, type StreamToRead } from './reading-order.js';

const config = syncConfig({ startDate: at('2026-03-01'), skillIds: ['101', '102', '103'], callBudget: 5 });
const available = sourceStreams(config);
const entry = (name: string, state: unknown, syncMode: StreamToRead['syncMode'] = 'incremental') => ({
  name,
  stream: available.find((stream) => stream.name === name),
  syncMode,
  state,
});
const eventState = (date: string) => ({ date, settled_from: date, delivered_ids: {} });
/** Now, in the tests: far after every state below, unless a test says otherwise. */
const END = at('2026-04-01 12:00:00');

describe('budgetReadingOrder', () => {
  it('reads the streams, and the partitions, furthest behind first; ties in catalog order', () => {
    const placed = budgetReadingOrder(
      [
        entry('transfers', eventState('2026-03-03 10:00:00')),
        entry('agent_time_by_state', { report_date: '2026-03-02' }),
        entry('skill_service_level_by_hour', {
          partitions: { 101: { report_date: '2026-03-04' }, 103: { report_date: '2026-03-02' } },
        }),
        entry('chats', eventState('2026-03-03 00:00:00')),
      ],
      config,
      END,
    );
    expect(placed.map((stream) => stream.name)).toEqual([
      'skill_service_level_by_hour', // skill 102 has no state: start_date
      'agent_time_by_state', // read up to 2026-03-03 00:00:00, as far as chats: catalog order
      'chats',
      'transfers',
    ]);
    expect(placed[0]!.stream!.partitions.map((partition) => partition.value)).toEqual(['102', '103', '101']);
    expect(readingOrderLine(placed, 5)).toBe(
      'Call budget of 5 API calls: the streams furthest behind are read first (each with the time its state ' +
        'has read up to): skill_service_level_by_hour (skill_id 102 2026-03-01 00:00:00, skill_id 103 ' +
        '2026-03-03 00:00:00, skill_id 101 2026-03-05 00:00:00), agent_time_by_state (2026-03-03 00:00:00), ' +
        'chats (2026-03-03 00:00:00), transfers (2026-03-03 10:00:00).',
    );
  });

  it('places at start_date a state this sync does not resume or refuses; an unknown stream first', () => {
    const placed = budgetReadingOrder(
      [
        entry('transfers', eventState('2026-03-03 10:00:00')),
        entry('chats', eventState('2026-03-05 00:00:00'), 'full_refresh'),
        entry('agent_time_by_state', { date: '2026-03-09 00:00:00' }),
        entry('calls', undefined),
        entry(
          'call_details',
          { ...eventState('2026-03-02 00:00:00'), full_refresh_in_progress: true },
          'full_refresh',
        ),
      ],
      config,
      END,
    );
    expect(placed.map((stream) => [stream.name, stream.position])).toEqual([
      ['calls', -Infinity],
      ['chats', at('2026-03-01')],
      ['agent_time_by_state', at('2026-03-01')],
      ['call_details', at('2026-03-02')],
      ['transfers', at('2026-03-03 10:00:00')],
    ]);
  });

  it('puts a caught-up aggregate (only re-reads and the running day left) after any stream with new rows', () => {
    const end = at('2026-03-10 14:00:00');
    const placed = budgetReadingOrder(
      [
        entry('agent_time_by_state', { report_date: '2026-03-09' }),
        entry('skill_service_level_by_hour', {
          partitions: {
            101: { report_date: '2026-03-09' },
            102: { report_date: '2026-03-08' },
            103: { report_date: '2026-03-09' },
          },
        }),
        entry('transfers', eventState('2026-03-10 06:10:36')),
      ],
      config,
      end,
    );
    expect(placed.map((stream) => [stream.name, stream.position])).toEqual([
      ['skill_service_level_by_hour', at('2026-03-09')], // skill 102 still lacks a complete day
      ['transfers', at('2026-03-10 06:10:36')],
      ['agent_time_by_state', end],
    ]);
    expect(placed[0]!.positions).toEqual([at('2026-03-09'), end, end]);
  });
});
