import type { ConnectorConfig } from '../../config/config.js';
import { ConnectorError, TransientError } from '../../errors/index.js';
import { connectionStatusMessage } from '../../protocol/messages.js';
import { asConnectorError, errorTraceMessage, exitCodeOf, isConfigError } from '../../protocol/failure.js';
import { transfers } from '../../streams/transfers.js';
import { formatLocal } from '../../time/local-time.js';
import { wallClockAt } from '../../time/zone.js';
import { WolkvoxRetriesExhaustedError, WolkvoxUnavailableError } from '../../wolkvox/errors.js';
import type { WolkvoxClient } from '../../wolkvox/client.js';
import { createClient } from '../create-client.js';
import { loadConfig } from '../load-config.js';
import type { CommandContext } from '../run-command.js';

const CHECK_WINDOW_SECONDS = 3600;

/**
 * A failed probe in words for the person setting the source up: what to verify. (The client's own
 * message speaks of syncs and states, which a check does not have.)
 */
function probeFailure(config: ConnectorConfig, error: WolkvoxRetriesExhaustedError): TransientError {
  const failure = error.cause instanceof WolkvoxUnavailableError ? error.cause : undefined;
  const where = `Wolkvox server ${config.server} at ${config.baseUrl}`;
  const reason = failure?.reason ?? error.message;
  const unreachable = failure?.condition === 'connection' || failure?.condition === 'timeout';
  const advice = unreachable
    ? 'Verify the server number (`wolkvox_server`), `base_url` (leave it empty for ' +
      'https://wv{server}.wolkvox.com), that this network can reach that host, and that its IP address is ' +
      "on the operation's API allow list."
    : 'Wolkvox may be busy or in maintenance: try the check again in a few minutes.';
  return new TransientError(`Could not read from ${where}: ${reason}. ${advice}`, { cause: error });
}

/** One cheap call: the last hour of the first stream's report, no retries (exactly one unit of quota). */
async function probe(config: ConnectorConfig): Promise<string> {
  const client = createClient({ ...config, maxRetries: 0, callBudget: 1 });
  try {
    return await probeWith(client, config);
  } catch (error) {
    throw error instanceof WolkvoxRetriesExhaustedError ? probeFailure(config, error) : error;
  } finally {
    await client.close();
  }
}

async function probeWith(client: WolkvoxClient, config: ConnectorConfig): Promise<string> {
  const to = wallClockAt(config.timezone, Date.now());
  const from = to - CHECK_WINDOW_SECONDS;
  let records = 0;
  let notFound = false;
  for await (const event of client.readWindow({ report: transfers.report, from, to }, transfers.decode)) {
    if (event.type === 'records') records += event.records.length;
    else if (event.type === 'restart') records = 0;
    else notFound = event.result.notFound;
  }
  const where = `Wolkvox server ${config.server}`;
  if (notFound) {
    return (
      `Connected to ${where}; it holds no transfers (${transfers.report}) between ${formatLocal(from)} and ` +
      `${formatLocal(to)}. Wolkvox answers the same way when the report is not enabled for the operation: ` +
      `if syncs stay empty, ask Wolkvox to enable the ${transfers.report} report.`
    );
  }
  return `Connected to ${where}: ${records} ${records === 1 ? 'transfer' : 'transfers'} in the last hour.`;
}

/** Config problems give CONNECTION_STATUS FAILED and exit 0; other failures also give a TRACE ERROR. */
export async function check(context: CommandContext, configPath: string): Promise<number> {
  const { emitter } = context;
  try {
    const config = await loadConfig(context, configPath);
    await emitter.emit(connectionStatusMessage('SUCCEEDED', await probe(config)));
    return 0;
  } catch (thrown) {
    const error: ConnectorError = asConnectorError(thrown);
    if (!isConfigError(error)) await emitter.emit(errorTraceMessage(error));
    await emitter.emit(connectionStatusMessage('FAILED', error.message));
    return isConfigError(error) ? 0 : exitCodeOf(error);
  }
}
