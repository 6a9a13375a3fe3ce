import { shapedRecord } from '../../test-support/shaped-record.js';
import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { readSchemaFile } from '../config/spec.js';
import { OffsetFormatter } from '../time/zone.js';
import { isEmptyApiValue } from './record-shape.js';
import { TRANSFER_FIELDS, transfers } from './transfers.js';

const bogota = new OffsetFormatter('America/Bogota');

/** A chat_9 row as Wolkvox sends it: a transfer from agent 5458 to a skill group. */
const skillTransfer = {
  conn_id: '204540000001',
  transfer_agent_id: '5458',
  transfer_agent_name: 'Valentina Peña',
  receiver_agent_id: '',
  receiver_agent_name: 'SKILL',
  channel: 'email',
  date: '2026-08-12 15:04:22',
};

/** The id as documented: first 32 hex digits of SHA-256 over the JSON array of the seven raw texts. */
const documentedId = (texts: string[]): string =>
  createHash('sha256').update(JSON.stringify(texts)).digest('hex').slice(0, 32);

describe('transfers record shape', () => {
  it('turns an empty receiver_agent_id into null and keeps the id of the raw values', () => {
    const { record, id, anomaly } = shapedRecord(transfers, skillTransfer, bogota);
    expect(record).toEqual({
      id: documentedId([
        '204540000001',
        '5458',
        'Valentina Peña',
        '',
        'SKILL',
        'email',
        '2026-08-12 15:04:22',
      ]),
      conn_id: '204540000001',
      transfer_agent_id: '5458',
      transfer_agent_name: 'Valentina Peña',
      receiver_agent_id: null,
      receiver_agent_name: 'SKILL',
      channel: 'email',
      date: '2026-08-12 15:04:22',
      transferred_at: '2026-08-12T15:04:22-05:00',
      transferred_at_local: '2026-08-12T15:04:22',
    });
    expect(id).toBe(record.id);
    expect(anomaly).toBeUndefined();
  });

  it('emits id first, then the API fields in order, then the two timestamps', () => {
    const { record } = shapedRecord(transfers, skillTransfer, bogota);
    expect(Object.keys(record)).toEqual(['id', ...TRANSFER_FIELDS, 'transferred_at', 'transferred_at_local']);
  });

  it('gives null for "", blanks and "-" in every API field but date; other texts stay as sent', () => {
    const raw = {
      conn_id: ' ',
      transfer_agent_id: '-',
      transfer_agent_name: ' Ana ',
      receiver_agent_id: '\t ',
      receiver_agent_name: '--',
      channel: '0',
      date: '2026-01-05 08:00:00',
    };
    const { record, id } = shapedRecord(transfers, raw, bogota);
    expect(record).toMatchObject({
      conn_id: null,
      transfer_agent_id: null,
      transfer_agent_name: ' Ana ',
      receiver_agent_id: null,
      receiver_agent_name: '--',
      channel: '0',
    });
    expect(id).toBe(documentedId([' ', '-', ' Ana ', '\t ', '--', '0', '2026-01-05 08:00:00']));
  });

  it('keeps an empty date as sent, with both timestamps null and an anomaly', () => {
    const { record, anomaly, cursorSeconds } = shapedRecord(
      transfers,
      { ...skillTransfer, date: '' },
      bogota,
    );
    expect(record).toMatchObject({ date: '', transferred_at: null, transferred_at_local: null });
    expect(cursorSeconds).toBeUndefined();
    expect(anomaly).toBe('unreadable date ""');
  });

  it('gives the local timestamp the wall clock of date, also across a DST change', () => {
    const madrid = new OffsetFormatter('Europe/Madrid');
    // 2026-03-29: clocks in Madrid go from 02:00 (+01:00) to 03:00 (+02:00).
    const before = shapedRecord(transfers, { ...skillTransfer, date: '2026-03-29 01:59:59' }, madrid).record;
    const after = shapedRecord(transfers, { ...skillTransfer, date: '2026-03-29 03:00:00' }, madrid).record;
    expect([before.transferred_at, before.transferred_at_local]).toEqual([
      '2026-03-29T01:59:59+01:00',
      '2026-03-29T01:59:59',
    ]);
    expect([after.transferred_at, after.transferred_at_local]).toEqual([
      '2026-03-29T03:00:00+02:00',
      '2026-03-29T03:00:00',
    ]);
  });

  it('produces records valid against schemas/transfers.json, also with missing fields', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    // Airbyte's date-time also covers timestamp_without_timezone (no offset), as the acceptance tests check it.
    ajv.addFormat('date-time', ajv.formats['iso-date-time']!);
    const validate = ajv.compile(readSchemaFile('transfers.json'));
    const missingName: Record<string, unknown> = { ...skillTransfer };
    delete missingName.transfer_agent_name;
    for (const raw of [skillTransfer, missingName, { ...skillTransfer, date: 'yesterday' }]) {
      const { record } = shapedRecord(transfers, raw, bogota);
      expect(validate(record), ajv.errorsText(validate.errors)).toBe(true);
    }
  });
});

describe('isEmptyApiValue', () => {
  it.each(['', ' ', '   ', '\t', ' \n', '-'])('%j is empty', (text) => {
    expect(isEmptyApiValue(text)).toBe(true);
  });
  it.each(['0', 'SKILL', ' a', '--', 'null'])('%j is a value', (text) => {
    expect(isEmptyApiValue(text)).toBe(false);
  });
});
