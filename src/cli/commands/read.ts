import type { ConnectorConfig } from '../../config/config.js';
import { ConfigError, type ConnectorError } from '../../errors/index.js';
import { asConnectorError, errorTraceMessage, exitCodeOf } from '../../protocol/failure.js';
import { parseConfiguredCatalog, parseStateInput, readJsonFile } from '../../protocol/inputs.js';
import { missingParameterOption, sourceStreams, type SourceStream } from '../../streams/index.js';
import { budgetReadingOrder, readingOrderLine, type StreamToRead } from '../../sync/reading-order.js';
import { syncSourceStream } from '../../sync/source-stream-sync.js';
import { wallClockAt } from '../../time/zone.js';
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
  const states =
    args.statePath !== undefined
      ? parseStateInput(await readJsonFile(args.statePath, 'state'))
      : new Map<string, unknown>();
  const client = createClient(config, new CallReporter(context.emitter, config.timezone));
  const available = sourceStreams(config);
  const toRead: StreamToRead[] = catalog.map((configured) => ({
    name: configured.stream.name,
    stream: available.find((entry) => entry.name === configured.stream.name),
    syncMode: configured.sync_mode,
    state: states.get(configured.stream.name),
  }));
  // Catalog order, unless a call budget may stop the sync: then the streams furthest behind first.
  let ordered = toRead;
  if (config.callBudget !== undefined) {
    const end = config.endDate ?? wallClockAt(config.timezone, Date.now());
    const placed = budgetReadingOrder(toRead, config, end);
    await context.emitter.emit(logMessage('INFO', readingOrderLine(placed, config.callBudget)));
    ordered = placed;
  }
  const callsByStream: [string, number][] = [];
  let failure: ConnectorError | undefined;
  try {
    // One stream after another on one client: max_concurrent_requests and the call budget hold for the whole sync.
    for (const entry of ordered) {
      const before = client.callsMade;
      const error = await readConfiguredStream(context, client, config, available, entry);
      callsByStream.push([entry.name, client.callsMade - before]);
      failure ??= error;
    }
  } finally {
    await client.close();
    await warnOfWindows1252(context, client.windows1252Responses);
    await context.emitter.emit(
      logMessage('INFO', callsLine(callsByStream, client.callsMade, config.callBudget)),
    );
  }
  return failure ? exitCodeOf(failure) : 0;
}

/** The end-of-sync line: API calls per stream, in all, and against the budget if there is one. */
export function callsLine(
  callsByStream: [string, number][],
  total: number,
  budget: number | undefined,
): string {
  const perStream = callsByStream.map(([name, calls]) => `${name} ${calls}`).join(', ');
  const against = budget === undefined ? '' : ` of the budget of ${budget}`;
  return `API calls this sync: ${total}${against} (each one unit of the operation's daily quota)${perStream === '' ? '' : `: ${perStream}`}.`;
}

/** The ConfigError of a catalog stream this source does not offer with this config, saying why. */
function unknownStream(name: string, available: readonly SourceStream[]): ConfigError {
  const option = missingParameterOption(name);
  if (option !== undefined) {
    return new ConfigError(
      `The catalog names stream "${name}", which needs at least one value in \`${option}\` of the source's ` +
        `configuration (it is empty). Add the ids to read, or deselect "${name}" and refresh the source schema in Airbyte.`,
    );
  }
  const known = available.map((entry) => entry.name).join(', ');
  return new ConfigError(
    `The catalog names stream "${name}", which this source does not have (it has: ${known}). Refresh the source schema in Airbyte.`,
  );
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

/**
 * Reads one stream of the catalog (`stream`: the source's stream of that name, its partitions in the
 * order to read them; undefined when the source has none) with its STARTED/RUNNING/COMPLETE statuses;
 * returns the error that stopped it, if any.
 */
async function readConfiguredStream(
  context: CommandContext,
  client: ReportsClient,
  config: ConnectorConfig,
  available: readonly SourceStream[],
  { name, stream, syncMode, state }: StreamToRead,
): Promise<ConnectorError | undefined> {
  if (!stream) {
    const error = unknownStream(name, available);
    await context.emitter.emit(errorTraceMessage(error, { name }));
    return error;
  }
  const output = new StreamOutput(context.emitter, name);
  await output.status('STARTED');
  try {
    await syncSourceStream({
      stream,
      client,
      config,
      syncMode,
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
