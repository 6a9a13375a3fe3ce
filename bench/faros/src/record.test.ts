import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { numberCopies, toTransfer } from './record';

/** A chat_9 row as Wolkvox sends it: a transfer from agent 5458 to a skill group. */
const skillTransfer = {
  conn_id: '204540000001',
  transfer_agent_id: '5458',
  transfer_agent_name: 'Valentina "Vale" Peña',
  receiver_agent_id: '',
  receiver_agent_name: 'SKILL',
  channel: 'email',
  date: '2026-08-12 15:04:22',
};

/** The id as the README documents it: first 32 hex digits of SHA-256 over the JSON array of the raw texts. */
const documentedId = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 32);
const rawTexts = JSON.stringify(Object.values(skillTransfer));

describe('faros comparison connector: transfers record shape', () => {
  it('writes the record of the connector: id over the raw texts, empty values null, timestamps with the offset', () => {
    expect(toTransfer(skillTransfer, 'America/Bogota')).toEqual({
      id: documentedId(rawTexts),
      conn_id: '204540000001',
      transfer_agent_id: '5458',
      transfer_agent_name: 'Valentina "Vale" Peña',
      receiver_agent_id: null,
      receiver_agent_name: 'SKILL',
      channel: 'email',
      date: '2026-08-12 15:04:22',
      transferred_at: '2026-08-12T15:04:22-05:00',
      transferred_at_local: '2026-08-12T15:04:22',
    });
  });

  it('keeps the key order of the connector, which the bench digest compares', () => {
    expect(Object.keys(toTransfer(skillTransfer, 'America/Bogota'))).toEqual([
      'id',
      ...Object.keys(skillTransfer),
      'transferred_at',
      'transferred_at_local',
    ]);
  });

  it('gives blanks and "-" null but keeps an unreadable date, with null timestamps', () => {
    const record = toTransfer(
      { ...skillTransfer, channel: '  ', receiver_agent_name: '-', date: 'soon' },
      'UTC',
    );
    expect(record).toMatchObject({ channel: null, receiver_agent_name: null, date: 'soon' });
    expect(record.transferred_at).toBeNull();
    expect(record.transferred_at_local).toBeNull();
  });

  it('numbers the second and third copy of an identical row within a response', () => {
    const seen = new Map<string, number>();
    const ids = [1, 2, 3].map(() => numberCopies(toTransfer(skillTransfer, 'UTC'), seen).id);
    const first = documentedId(rawTexts);
    expect(ids).toEqual([first, documentedId(`${first}#2`), documentedId(`${first}#3`)]);
  });
});
