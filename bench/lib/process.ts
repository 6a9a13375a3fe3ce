import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
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

/**
 * How the peak RSS was measured: GNU time's ru_maxrss (or VmHWM polled when time is missing), or,
 * when the run has several node processes, the largest one's RSS plus the others' private memory,
 * polled every 50 ms, whichever is larger: the connector runs `read` in a second process where Node
 * lacks process.execve (src/cli/heap.ts), and ru_maxrss gives only the largest process of a tree.
 * (Adding up RSS would count the node binary's shared pages twice.)
 */
export const RSS_METHOD = `${
  existsSync(TIME_BIN) ? '/usr/bin/time -v (ru_maxrss)' : '/proc/PID/status VmHWM polled every 10 ms'
}, or the polled largest RSS + the other node processes' private memory if larger`;

export interface MeasuredRun {
  args: string[];
  wallMs: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Peak resident set size of the node process, when asked for. */
  maxRssKb: number | undefined;
  /** CPU seconds (user + system) when measured by GNU time. */
  cpuSeconds: number | undefined;
  /** Bytes read from stdout, when read through a slow reader. */
  stdoutBytes: number | undefined;
  stderrTail: string;
}

export interface RunOptions {
  /** Every stdout line, in order; without it (and without a slow reader) stdout goes to /dev/null. */
  onLine?: (line: string) => void;
  measureRss?: boolean;
  timeoutMs?: number;
  /** Extra node flags (e.g. --cpu-prof) before the script: the only node flags the process gets. */
  nodeFlags?: string[];
  /**
   * Read stdout through a named pipe (FIFO) at most this many bytes per second, as a slow
   * destination does: the process must wait for the reader (backpressure), not buffer its output.
   */
  stdoutBytesPerSecond?: number;
}

/**
 * The environment of every process the bench starts: the bench's own, without NODE_OPTIONS, so a
 * process runs as `node dist/index.js` runs for a user (no heap flags) unless `nodeFlags` says otherwise.
 */
export function childEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

/** A FIFO in a fresh folder: the read end opened (non-blocking) for the parent, the write end for the child. */
function openFifo(): { dir: string; readFd: number; writeFd: number } {
  const dir = mkdtempSync(join(tmpdir(), 'wolkvox-bench-fifo-'));
  const path = join(dir, 'stdout');
  execFileSync('mkfifo', [path]);
  // The read end first (O_NONBLOCK: it does not wait for a writer), so opening the write end does not block.
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  return { dir, readFd, writeFd: openSync(path, constants.O_WRONLY) };
}

/**
 * Reads `input` to its end at no more than `bytesPerSecond` on average: after each chunk it waits
 * until the bytes read so far are due, and reads nothing meanwhile (the pipe fills, the writer waits).
 * Hands complete lines to `onLine`. Resolves with the bytes read.
 */
async function readSlowly(
  input: Readable,
  bytesPerSecond: number,
  onLine: ((line: string) => void) | undefined,
): Promise<number> {
  const started = performance.now();
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  let partial = '';
  for await (const chunk of input as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (onLine) {
      const lines = (partial + decoder.write(chunk)).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    }
    const wait = started + (bytes / bytesPerSecond) * 1000 - performance.now();
    if (wait > 0) await sleep(wait);
  }
  const last = partial + decoder.end();
  if (onLine && last !== '') onLine(last);
  return bytes;
}

/**
 * Runs `node <args>` and measures its wall time (spawn to exit) and, if asked, its peak RSS and CPU.
 * The process gets no NODE_OPTIONS (`childEnvironment`); its stdout goes to /dev/null, to `onLine`
 * through an OS pipe, or through a FIFO read at `stdoutBytesPerSecond`.
 */
export async function runNode(args: string[], options: RunOptions = {}): Promise<MeasuredRun> {
  const nodeArgs = [...(options.nodeFlags ?? []), ...args];
  const useTime = options.measureRss === true && existsSync(TIME_BIN);
  const scratch = useTime ? mkdtempSync(join(tmpdir(), 'wolkvox-bench-time-')) : undefined;
  const timeFile = scratch === undefined ? undefined : join(scratch, 'time.txt');
  const [command, commandArgs] =
    timeFile === undefined
      ? [process.execPath, nodeArgs]
      : [TIME_BIN, ['-v', '-o', timeFile, process.execPath, ...nodeArgs]];
  const slow = options.stdoutBytesPerSecond;
  const fifo = slow === undefined ? undefined : openFifo();
  const devNull = options.onLine || fifo ? undefined : openSync('/dev/null', 'w');
  let stderr = '';
  let polledHwmKb: number | undefined;
  try {
    const started = performance.now();
    const child = spawn(command, commandArgs, {
      stdio: ['ignore', fifo?.writeFd ?? devNull ?? 'pipe', 'pipe'],
      env: childEnvironment(),
    });
    if (fifo) closeSync(fifo.writeFd); // the child holds it: its exit ends the parent's read
    let treeKb = 0;
    let ticks = 0;
    const poller =
      options.measureRss === true && child.pid !== undefined
        ? setInterval(() => {
            const root = child.pid as number;
            if (!useTime) polledHwmKb = readHwmKb(root) ?? polledHwmKb;
            if ((ticks += 1) % 5 === 0) treeKb = Math.max(treeKb, nodeTreeKb(root));
          }, 10)
        : undefined;
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    const lines: Promise<number | undefined> = fifo
      ? readSlowly(new Socket({ fd: fifo.readFd, readable: true, writable: false }), slow!, options.onLine)
      : options.onLine && child.stdout
        ? (async () => {
            for await (const line of createInterface({ input: child.stdout!, crlfDelay: Infinity })) {
              options.onLine!(line);
            }
            return undefined;
          })()
        : Promise.resolve(undefined);
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
    const stdoutBytes = await lines;
    const time = timeFile === undefined ? undefined : parseGnuTime(readFileSync(timeFile, 'utf8'));
    return {
      args,
      wallMs,
      exitCode,
      signal,
      maxRssKb: largest(time?.maxRssKb ?? polledHwmKb, treeKb),
      cpuSeconds: time?.cpuSeconds,
      stdoutBytes,
      stderrTail: stderr,
    };
  } finally {
    if (devNull !== undefined) closeSync(devNull);
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
    if (fifo !== undefined) rmSync(fifo.dir, { recursive: true, force: true });
  }
}

function largest(measured: number | undefined, treeKb: number): number | undefined {
  if (measured === undefined) return treeKb > 0 ? treeKb : undefined;
  return Math.max(measured, treeKb);
}

/**
 * The memory of the node processes among `pid` and its descendants: the largest RSS plus the
 * private memory of the others; 0 when there is at most one (ru_maxrss measures that case).
 */
function nodeTreeKb(pid: number): number {
  const processes = nodeProcesses(pid);
  if (processes.length < 2) return 0;
  const largest = processes.reduce((a, b) => (b.rssKb > a.rssKb ? b : a));
  return processes.reduce((sum, entry) => sum + (entry === largest ? entry.rssKb : entry.privateKb), 0);
}

function nodeProcesses(pid: number): { rssKb: number; privateKb: number }[] {
  const found: { rssKb: number; privateKb: number }[] = [];
  try {
    if (/^Name:\s+node\b/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))) {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0);
      found.push({ rssKb: kb('Rss'), privateKb: kb('Private_Clean') + kb('Private_Dirty') });
    }
    for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ')) {
      if (child.trim() !== '') found.push(...nodeProcesses(Number(child)));
    }
  } catch {
    // The process ended between two reads.
  }
  return found;
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

/**
 * Counts the RECORD messages of any Airbyte source (whatever its key order) and digests their distinct
 * `data` independently of order: the sum, modulo 2^48, of the first 48 bits of SHA-256 over each
 * distinct record's data as JSON. Two sources that emit the same records (same values, same key order)
 * have equal digests, also when one of them emits some twice (the overlapping second of two windows
 * read by a reader without the connector's ledger). Parses every line: for checked runs, not timed ones.
 */
export class RecordDigest {
  records = 0;
  digest = 0;
  errors: string[] = [];
  private readonly seen = new Set<number>();

  /** Records counted once each. */
  get distinctRecords(): number {
    return this.seen.size;
  }

  readonly onLine = (line: string): void => {
    if (line === '') return;
    const message = JSON.parse(line) as {
      type: string;
      record?: { data: unknown };
      trace?: { type: string; error?: { message: string } };
    };
    if (message.type === 'RECORD') {
      this.records += 1;
      const head = createHash('sha256')
        .update(JSON.stringify(message.record?.data))
        .digest()
        .readUIntBE(0, 6);
      if (this.seen.has(head)) return;
      this.seen.add(head);
      this.digest = (this.digest + head) % 2 ** 48;
    } else if (message.type === 'TRACE' && message.trace?.type === 'ERROR') {
      this.errors.push(message.trace.error?.message ?? '');
    }
  };
}
