import { readSchemaFile } from '../../config/spec.js';
import type { AirbyteStream } from '../../protocol/messages.js';
import { STREAMS } from '../../streams/index.js';
import type { StreamDefinition } from '../../streams/definition.js';
import { loadConfig } from '../load-config.js';
import type { CommandContext } from '../run-command.js';

export function catalogEntry(stream: StreamDefinition): AirbyteStream {
  return {
    name: stream.name,
    json_schema: readSchemaFile(stream.schemaFile),
    supported_sync_modes: ['full_refresh', 'incremental'],
    source_defined_cursor: true,
    default_cursor_field: stream.cursorField,
    source_defined_primary_key: stream.primaryKey,
    is_resumable: true,
  };
}

export async function discover(context: CommandContext, configPath: string): Promise<number> {
  await loadConfig(context, configPath);
  await context.emitter.emit({ type: 'CATALOG', catalog: { streams: STREAMS.map(catalogEntry) } });
  return 0;
}
