import type { StreamDefinition } from './definition.js';
import { createRecordCodec } from './record-codec.js';
import { shapeRecord } from './record-shape.js';

/** The seven fields of chat_9, in the documented order (the order also fixes the id hash). */
export const TRANSFER_FIELDS = [
  'conn_id',
  'transfer_agent_id',
  'transfer_agent_name',
  'receiver_agent_id',
  'receiver_agent_name',
  'channel',
  'date',
] as const;

const codec = createRecordCodec(
  {
    fields: TRANSFER_FIELDS,
    cursorField: 'date',
    nullEmpty: true,
    leadingMembers: '',
    twins: [{ field: 'date', withOffset: 'transferred_at', local: 'transferred_at_local' }],
    fastPath: true,
  },
  (raw, offsets) => shapeRecord(raw, TRANSFER_FIELDS, 'date', offsets),
);

export const transfers: StreamDefinition = {
  name: 'transfers',
  report: 'chat_9',
  primaryKey: [['id']],
  cursorField: ['date'],
  decode: codec.decode,
  shape: codec.shape,
  write: codec.write,
};
