import { elementsBatch } from '../src/streams/record-codec.js';
import type { ShapedRecord, StreamDefinition } from '../src/streams/definition.js';
import { piecesWriter } from './recording-output.js';
import type { OffsetFormatter } from '../src/time/zone.js';
import type { RawRecord } from '../src/wolkvox/types.js';
import { idOfKey } from '../src/streams/record-shape.js';

/** The JSON text `stream` writes for `record` (which it shaped) with the id of `key` as its id. */
export function writtenJson(stream: StreamDefinition, record: ShapedRecord, key = record.key): string {
  let json = '';
  const writer = piecesWriter((written) => {
    json = written;
  });
  writer.open();
  stream.write(writer, record, key);
  writer.close();
  return json;
}

/** Element `text` (a JSON object's text, as a body carries it) decoded and shaped by `stream`. */
export function shapeElement(stream: StreamDefinition, text: string, offsets: OffsetFormatter) {
  return stream.shape(stream.decode(elementsBatch([text])), 0, offsets);
}

/**
 * What the connector writes for the API row `raw` of `stream`: the row as a body carries it
 * (JSON.stringify), decoded and shaped as in a sync, the record parsed back into an object.
 */
export function shapedRecord(stream: StreamDefinition, raw: RawRecord, offsets: OffsetFormatter) {
  const shaped = shapeElement(stream, JSON.stringify(raw), offsets);
  const record = JSON.parse(writtenJson(stream, shaped)) as Record<string, unknown>;
  return { id: idOfKey(shaped.key), cursorSeconds: shaped.cursorSeconds, anomaly: shaped.anomaly, record };
}
