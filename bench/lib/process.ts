import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * The built connector (tsconfig.build.json), run as Airbyte runs it; WOLKVOX_BENCH_CLI names another
 * build's index.js (run-all's --cli), to compare a candidate change against the same baseline.
 */
export function cliPath(): string {
  return process.env.WOLKVOX_BENCH_CLI ?? fileURLToPath(new URL('../../../index.js', import.meta.url));
}
export const CATALOG_PATH = fileURLToPath(
  new URL('../../../../integration_tests/configured_catalog.json', import.meta.url),
);
const TIME_BIN = '/usr/bin/time';
const STDERR_TAIL_CHARS = 4_000;
const DEFAULT_TIMEOUT_MS = 300_000;

/** How the peak RSS was measured: GNU time's ru_maxrss, or polling VmHWM when time is missing. */
export const RSS_METHOD = existsSync(TIME_BIN)
  ? '/usr/bin/time -v (ru_maxrss)'
  : '/proc/PID/status VmHWM polled every 10 ms';

export interface MeasuredRun {
  args: string[];
  wallMs: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Peak resident set size of the node process, when asked for. */
  maxRssKb: number | undefined;
  /** CPU seconds (user + system) when measured by GNU time. */
  cpuSeconds: number | undefined;
  stderrTail: string;
}

export interface RunOptions {
  /** Every stdout line, in order; without it stdout goes to /dev/null. */
  onLine?: (line: string) => void;
  measureRss?: boolean;
  timeoutMs?: number;
  /** Extra node flags (e.g. --cpu-prof) before the script. */
  nodeFlags?: string[];
}

/** Runs `node <args>` and measures its wall time (spawn to exit) and, if asked, its peak RSS. */
export async function runNode(args: string[], options: RunOptions = {}): Promise<MeasuredRun> {
  const nodeArgs = [...(options.nodeFlags ?? []), ...args];
  const useTime = options.measureRss === true && existsSync(TIME_BIN);
  const scratch = useTime ? mkdtempSync(join(tmpdir(), 'wolkvox-bench-time-')) : undefined;
  const timeFile = scratch === undefined ? undefined : join(scratch, 'time.txt');
  const [command, commandArgs] =
    timeFile === undefined
      ? [process.execPath, nodeArgs]
      : [TIME_BIN, ['-v', '-o', timeFile, process.execPath, ...nodeArgs]];
  const devNull = options.onLine ? undefined : openSync('/dev/null', 'w');
  let stderr = '';
  let polledHwmKb: number | undefined;
  try {
    const started = performance.now();
    const child = spawn(command, commandArgs, {
      stdio: ['ignore', devNull ?? 'pipe', 'pipe'],
    });
    const poller =
      options.measureRss === true && !useTime && child.pid !== undefined
        ? setInterval(() => (polledHwmKb = readHwmKb(child.pid as number) ?? polledHwmKb), 10)
        : undefined;
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    const lines =
      options.onLine && child.stdout
        ? (async () => {
            for await (const line of createInterface({ input: child.stdout!, crlfDelay: Infinity })) {
              options.onLine!(line);
            }
          })()
        : Promise.resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
      (resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, sig) => resolve([code, sig]));
      },
    );
    const wallMs = performance.now() - started;
    clearTimeout(timer);
    if (poller) clearInterval(poller);
    await lines;
    const time = timeFile === undefined ? undefined : parseGnuTime(readFileSync(timeFile, 'utf8'));
    return {
      args,
      wallMs,
      exitCode,
      signal,
      maxRssKb: time?.maxRssKb ?? polledHwmKb,
      cpuSeconds: time?.cpuSeconds,
      stderrTail: stderr,
    };
  } finally {
    if (devNull !== undefined) closeSync(devNull);
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
}

function readHwmKb(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function parseGnuTime(text: string): { maxRssKb: number | undefined; cpuSeconds: number | undefined } {
  const field = (label: string) => {
    const match = new RegExp(`${label}:\\s*([\\d.]+)`).exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const user = field('User time \\(seconds\\)');
  const system = field('System time \\(seconds\\)');
  return {
    maxRssKb: field('Maximum resident set size \\(kbytes\\)'),
    cpuSeconds: user === undefined || system === undefined ? undefined : user + system,
  };
}

/** Throws with the run's stderr when it did not exit 0. */
export function requireSuccess(run: MeasuredRun, what: string): void {
  if (run.exitCode !== 0) {
    throw new Error(
      `${what}: \`node ${run.args.join(' ')}\` exited with ${run.exitCode ?? run.signal}\n${run.stderrTail}`,
    );
  }
}

const temporaryDirs: string[] = [];
process.once('exit', () => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder (removed at exit) holding `files` as JSON; returns their paths by name. */
export function writeJsonFiles(files: Record<string, unknown>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'wolkvox-bench-'));
  temporaryDirs.push(dir);
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    paths[name] = join(dir, `${name}.json`);
    writeFileSync(paths[name], JSON.stringify(content));
  }
  return paths;
}

/** The `read` arguments for a config object (written to a temporary file). */
export function readArgs(config: object): string[] {
  const files = writeJsonFiles({ config });
  return [cliPath(), 'read', '--config', files.config!, '--catalog', CATALOG_PATH];
}

/** Tallies a connector's stdout: RECORD lines, the last STATE, error traces. */
export class MessageTally {
  records = 0;
  states = 0;
  lastState: unknown;
  errors: string[] = [];

  readonly onLine = (line: string): void => {
    if (line.startsWith('{"type":"RECORD"')) {
      this.records += 1;
      return;
    }
    if (line === '') return;
    const message = JSON.parse(line) as {
      type: string;
      state?: unknown;
      trace?: { type: string; error?: { message: string } };
    };
    if (message.type === 'RECORD') this.records += 1;
    else if (message.type === 'STATE') {
      this.states += 1;
      this.lastState = message.state;
    } else if (message.type === 'TRACE' && message.trace?.type === 'ERROR') {
      this.errors.push(message.trace.error?.message ?? '');
    }
  };
}
