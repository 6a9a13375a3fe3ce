import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { AirbyteMessage, AirbyteStream, ConfiguredStream } from '../protocol/messages.js';

/** The built connector, run exactly as Airbyte runs it: a separate process speaking on stdout. */
const CLI_PATH = fileURLToPath(new URL('../index.js', import.meta.url));
const KNOWN_TYPES = new Set(['RECORD', 'STATE', 'LOG', 'TRACE', 'SPEC', 'CONNECTION_STATUS', 'CATALOG']);
/** A stuck connector should fail the demo, not hang it. */
const TIMEOUT_MS = 120_000;

export interface CliRun {
  args: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  durationMs: number;
  /** Every message but the RECORDs, which can be too many to keep (they go to `onMessage` only). */
  messages: AirbyteMessage[];
  /** stdout lines that are not JSON or not an AirbyteMessage of a known type. */
  badLines: string[];
}

/** Called for every message in stdout order; a returned promise pauses reading (backpressure). */
export type MessageHandler = (message: AirbyteMessage) => void | Promise<void>;

function parseMessage(line: string): AirbyteMessage | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
    return typeof type === 'string' && KNOWN_TYPES.has(type) ? (value as AirbyteMessage) : undefined;
  } catch {
    return undefined;
  }
}

async function readMessages(stdout: Readable, run: CliRun, onMessage: MessageHandler): Promise<void> {
  for await (const line of createInterface({ input: stdout, crlfDelay: Infinity })) {
    if (line === '') continue;
    const message = parseMessage(line);
    if (message === undefined) {
      run.badLines.push(line.slice(0, 200));
      continue;
    }
    if (message.type !== 'RECORD') run.messages.push(message);
    const pending = onMessage(message);
    if (pending) await pending;
  }
}

/** Runs one connector command (`spec`, `check --config F`, ...) and collects what it says. */
export async function runCli(args: string[], onMessage: MessageHandler = () => undefined): Promise<CliRun> {
  const started = Date.now();
  const run: CliRun = {
    args,
    exitCode: null,
    signal: null,
    stderr: '',
    durationMs: 0,
    messages: [],
    badLines: [],
  };
  const child = spawn(process.execPath, [CLI_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (run.stderr += chunk));
  try {
    // Both at once: `once` rejects if the process cannot start, while the lines are still being read.
    const [, [exitCode, signal]] = await Promise.all([
      readMessages(child.stdout, run, onMessage),
      once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>,
    ]);
    run.exitCode = exitCode;
    run.signal = signal;
  } catch (error) {
    child.kill();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  run.durationMs = Date.now() - started;
  return run;
}

/** What went wrong with a run, in one line, for a failure message. */
/**
 * The configured catalog of the streams `names`, taken from discover's `streams`: incremental,
 * deduplicated, cursor and primary key as the source defines them. Throws what `missing` makes of a
 * name discover did not list.
 */
export function configuredCatalog(
  streams: readonly AirbyteStream[],
  names: readonly string[],
  missing: (name: string) => Error,
): { streams: ConfiguredStream[] } {
  return {
    streams: names.map((name) => {
      const stream = streams.find((entry) => entry.name === name);
      if (!stream) throw missing(name);
      return {
        stream,
        sync_mode: 'incremental',
        destination_sync_mode: 'append_dedup',
        cursor_field: stream.default_cursor_field,
        primary_key: stream.source_defined_primary_key,
      };
    }),
  };
}

export function describeFailure(run: CliRun): string {
  const how = run.signal ? `was killed (${run.signal})` : `exited with code ${run.exitCode}`;
  const errors = run.messages.flatMap((message) =>
    message.type === 'TRACE' && message.trace.type === 'ERROR' ? [message.trace.error.message] : [],
  );
  const stderrTail = run.stderr.trim().split('\n').slice(-3).join(' | ');
  return `\`${run.args[0]}\` ${how}${errors.length > 0 ? `: ${errors.join('; ')}` : ''}${stderrTail ? ` (stderr: ${stderrTail})` : ''}`;
}
