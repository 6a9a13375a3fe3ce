import { spawn } from 'node:child_process';

/**
 * The V8 heap settings of `read`: an 8 MiB semi-space and a 128 MiB old space. Without them V8
 * sizes the heap from the machine's memory (a 4 GiB limit on a 24 GiB machine) and lets a long
 * read's garbage grow to 180-220 MB of RSS before it collects, for about 20 MB kept live. Measured
 * on a 124-day backfill (2 cores, Node 20): 8/128 peaks at 138-140 MB for the CPU time of no flags;
 * 16/128 at 148-156 MB; 4/256 at 136-138 MB for 15% more CPU (smaller young generation, more
 * scavenges). V8 takes them only at start, so the program starts itself again with them.
 */
export const HEAP_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=128'] as const;

type Execve = (file: string, args: string[], env: NodeJS.ProcessEnv) => never;

export interface RestartOptions {
  /** `process.execve` (Node 22.15+), or undefined to start a child process instead. */
  execve?: Execve | undefined;
  /** The arguments after the script (default: this process's). */
  args?: string[];
}

/** Set in the restarted process: its settings are applied. */
const APPLIED = 'SOURCE_WOLKVOX_HEAP_APPLIED';

/** True when the user chose heap sizes (node flags or NODE_OPTIONS): theirs win. */
function heapChosen(): boolean {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return given.some((flag) => /^--max-(old|semi)-space-size\b/.test(flag));
}

/**
 * Runs this program again with HEAP_FLAGS when `command` is `read` and they are not in force; resolves
 * with its exit code, or undefined when the current process should run the command itself. The new
 * process shares stdin, stdout and stderr (records are written straight to the real stdout, with its
 * backpressure); SIGINT and SIGTERM are passed on, and a death by signal is repeated here. Uses
 * `process.execve` where Node has it (22.15+: the image's Node 24), so only one process remains.
 */
export async function runWithHeapSettings(
  command: string | undefined,
  script: string,
  {
    execve = (process as { execve?: Execve }).execve,
    args: scriptArgs = process.argv.slice(2),
  }: RestartOptions = {},
): Promise<number | undefined> {
  if (command !== 'read' || process.env[APPLIED] === '1' || heapChosen()) return undefined;
  const args = [...process.execArgv, ...HEAP_FLAGS, script, ...scriptArgs];
  const env = { ...process.env, [APPLIED]: '1' };
  if (execve !== undefined) execve(process.execPath, [process.execPath, ...args], env);
  const child = spawn(process.execPath, args, { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const [code, signal] = (await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (...ended) => resolve(ended));
  })) as [number | null, NodeJS.Signals | null];
  process.off('SIGINT', onInt);
  process.off('SIGTERM', onTerm);
  if (signal !== null) process.kill(process.pid, signal);
  return code ?? 1;
}
