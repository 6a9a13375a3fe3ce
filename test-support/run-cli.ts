import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseProtocolLines } from './protocol-schema.js';

export const CLI_PATH = fileURLToPath(new URL('../dist/index.js', import.meta.url));

export interface CliRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Every stdout line, already validated against the official protocol schema. */
  messages: Record<string, unknown>[];
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
        reject(error instanceof Error ? new Error(`${error.message}\nstderr: ${stderr}`) : error);
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

type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const messagesOfType = (run: CliRun, type: string): Message[] =>
  run.messages.filter((message) => message.type === type) as Message[];

export const traces = (run: CliRun, traceType: string): Message[] =>
  messagesOfType(run, 'TRACE').filter((message) => message.trace.type === traceType);
