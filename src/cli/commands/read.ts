import type { ConnectorConfig } from '../../config/config.js';
import { ConfigError, type ConnectorError } from '../../errors/index.js';
import { asConnectorError, errorTraceMessage, exitCodeOf } from '../../protocol/failure.js';
import { parseConfiguredCatalog, parseStateInput, readJsonFile } from '../../protocol/inputs.js';
import type { ConfiguredStream } from '../../protocol/messages.js';
import { STREAMS, findStream } from '../../streams/index.js';
import type { StreamDefinition } from '../../streams/definition.js';
import { syncStream } from '../../sync/read-stream.js';
import type { ReportsClient } from '../../wolkvox/types.js';
import { logMessage } from '../../protocol/messages.js';
import { CallReporter } from '../call-reporter.js';
import { createClient } from '../create-client.js';
import { loadConfig } from '../load-config.js';
import type { CommandContext } from '../run-command.js';
import { StreamOutput } from '../stream-output.js';

export interface ReadArguments {
  configPath: string;
  catalogPath: string;
  statePath: string | undefined;
}

export async function read(context: CommandContext, args: ReadArguments): Promise<number> {
  const config = await loadConfig(context, args.configPath);
  const catalog = parseConfiguredCatalog(await readJsonFile(args.catalogPath, 'catalog'));
  const states = args.statePath ? parseStateInput(await readJsonFile(args.statePath, 'state')) : new Map();
  const client = createClient(config, new CallReporter(context.emitter, config.timezone));
  let failure: ConnectorError | undefined;
  try {
    for (const configured of catalog) {
      const error = await readConfiguredStream(
        context,
        client,
        config,
        configured,
        states.get(configured.stream.name),
      );
      failure ??= error;
    }
  } finally {
    await client.close();
    await warnOfWindows1252(context, client.windows1252Responses);
  }
  return failure ? exitCodeOf(failure) : 0;
}

/** One WARN per sync when answers had bytes that are not UTF-8 (decoded as Windows-1252, see charset.ts). */
async function warnOfWindows1252(context: CommandContext, responses: number): Promise<void> {
  if (responses === 0) return;
  await context.emitter.emit(
    logMessage(
      'WARN',
      `${responses} Wolkvox response${responses === 1 ? '' : 's'} held bytes that are not valid UTF-8 and ` +
        'declared no charset; those bytes were read as Windows-1252 (ISO-8859-1), as Spanish-language ' +
        'servers send them. Check accented names in the destination; if they look wrong, tell Wolkvox ' +
        'or your proxy to declare the charset of its answers.',
    ),
  );
}

/** Reads one stream with its STARTED/RUNNING/COMPLETE statuses; returns the error that stopped it, if any. */
async function readConfiguredStream(
  context: CommandContext,
  client: ReportsClient,
  config: ConnectorConfig,
  configured: ConfiguredStream,
  state: unknown,
): Promise<ConnectorError | undefined> {
  const name = configured.stream.name;
  const stream: StreamDefinition | undefined = findStream(name);
  if (!stream) {
    const known = STREAMS.map((entry) => entry.name).join(', ');
    const error = new ConfigError(
      `The catalog names stream "${name}", which this source does not have (it has: ${known}). Refresh the source schema in Airbyte.`,
    );
    await context.emitter.emit(errorTraceMessage(error, { name }));
    return error;
  }
  const output = new StreamOutput(context.emitter, name);
  await output.status('STARTED');
  try {
    await syncStream({
      stream,
      client,
      config,
      syncMode: configured.sync_mode,
      state,
      output,
      now: () => Date.now(),
    });
    await output.status('COMPLETE');
    return undefined;
  } catch (thrown) {
    const error = asConnectorError(thrown);
    await output.status('INCOMPLETE');
    await context.emitter.emit(errorTraceMessage(error, { name }));
    return error;
  }
}
