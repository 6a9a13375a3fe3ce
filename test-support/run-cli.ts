import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AirbyteMessage, LogLevel, TraceBody } from '../src/protocol/messages.js';
import { parseProtocolLines } from './protocol-schema.js';

export const CLI_PATH = fileURLToPath(new URL('../dist/index.js', import.meta.url));

export interface CliRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Every stdout line, already validated against the official protocol schema. */
  messages: AirbyteMessage[];
}

/**
 * Runs the built CLI as a separate process, as Airbyte does; `nodeArgs` go before the script
 * (e.g. `--import` of a module that observes the run) and `env` is added to this process's.
 */
export function runCli(
  args: string[],
  options: { timeoutMs?: number; nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI_PATH, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      try {
        resolve({ exitCode, signal, stdout, stderr, messages: parseProtocolLines(stdout) });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        reject(new Error(`${reason}\nstderr: ${stderr}`));
      }
    });
  });
}

/** Writes JSON files into a fresh temporary folder; returns their paths by name. */
export function writeJsonFiles(files: Record<string, unknown>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'source-wolkvox-'));
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    paths[name] = path;
  }
  return paths;
}

/** The messages of one `type`, e.g. `MessageOfType<'STATE'>` is `{ type: 'STATE'; state: StreamStateMessage }`. */
export type MessageOfType<T extends AirbyteMessage['type']> = Extract<AirbyteMessage, { type: T }>;

/** A TRACE message whose body is of one trace `type` (`ERROR`, `STREAM_STATUS`, `ESTIMATE`). */
export interface TraceOfType<T extends TraceBody['type']> {
  type: 'TRACE';
  trace: Extract<TraceBody, { type: T }>;
}

/** The messages of `run` of one `type`, in the order they were written. */
export const messagesOfType = <T extends AirbyteMessage['type']>(run: CliRun, type: T): MessageOfType<T>[] =>
  run.messages.filter((message): message is MessageOfType<T> => message.type === type);

/** The TRACE messages of `run` whose trace is of `traceType`, in the order they were written. */
export const traces = <T extends TraceBody['type']>(run: CliRun, traceType: T): TraceOfType<T>[] =>
  messagesOfType(run, 'TRACE').filter(
    (message): message is TraceOfType<T> => message.trace.type === traceType,
  );

/** The texts of the LOG messages of `run` at `level`, in the order they were written. */
export const logMessages = (run: CliRun, level: LogLevel): string[] =>
  messagesOfType(run, 'LOG')
    .filter((message) => message.log.level === level)
    .map((message) => message.log.message);
