import type { ConnectorConfig } from '../../config/config.js';
import type { AirbyteStream } from '../../protocol/messages.js';
import { sourceStreams, type SourceStream } from '../../streams/index.js';
import { loadConfig } from '../load-config.js';
import type { CommandContext } from '../run-command.js';

/** The catalog entry of a stream: its schema, both sync modes, source-defined cursor and primary key. */
export function catalogEntry(stream: SourceStream): AirbyteStream {
  return {
    name: stream.name,
    json_schema: stream.jsonSchema,
    supported_sync_modes: ['full_refresh', 'incremental'],
    source_defined_cursor: true,
    default_cursor_field: stream.cursorField,
    source_defined_primary_key: stream.primaryKey,
    is_resumable: true,
  };
}

/** The catalog `config` makes available (see `sourceStreams`). */
export function catalogOf(config: ConnectorConfig): AirbyteStream[] {
  return sourceStreams(config).map(catalogEntry);
}

export async function discover(context: CommandContext, configPath: string): Promise<number> {
  const config = await loadConfig(context, configPath);
  await context.emitter.emit({ type: 'CATALOG', catalog: { streams: catalogOf(config) } });
  return 0;
}
