import type { StreamDefinition } from '../src/streams/definition.js';
import type { OffsetFormatter } from '../src/time/zone.js';
import type { RawRecord } from '../src/wolkvox/types.js';

/**
 * What the connector writes for the API row `raw` of `stream`: the row as a body carries it
 * (JSON.stringify), decoded and shaped as in a sync, the record parsed back into an object.
 */
export function shapedRecord(stream: StreamDefinition, raw: RawRecord, offsets: OffsetFormatter) {
  const shaped = stream.shape(stream.decode(JSON.stringify(raw)), offsets);
  const record = JSON.parse(`${shaped.head ?? '{'}"id":"${shaped.id}"${shaped.members}}`) as Record<
    string,
    unknown
  >;
  return { ...shaped, record };
}
