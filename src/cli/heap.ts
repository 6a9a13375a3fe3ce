import { spawn } from 'node:child_process';

/**
 * The V8 heap settings of `read`: a 4 MiB semi-space and a 128 MiB old space. Without them V8 sizes
 * the heap from the machine's memory (a 4 GiB limit on a 24 GiB machine) and lets a long read's
 * garbage grow to 180-220 MB of RSS before it collects, for about 20 MB kept live. Measured (2 cores,
 * Node 20; 124-day / 372-day backfills): 4/128 peaks at 136 / 129 MB; 8/128 at 136-142 / 140-142 MB
 * for about 8% less CPU; 16/128 at 148-156 MB on 124 days; the old space limit barely moves the peak
 * (96-128 MB), the young generation does. 4 MiB keeps the margin under 150 MB when Node lacks
 * process.execve and the first process stays as the parent (about 8 MB more).
 * V8 takes them only at start, so the program starts itself again with them.
 */
export const HEAP_FLAGS = ['--max-semi-space-size=4', '--max-old-space-size=128'] as const;

type Execve = (file: string, args: string[], env: NodeJS.ProcessEnv) => never;

export interface RestartOptions {
  /** `process.execve` (Node 22.15+), or undefined to start a child process instead. */
  execve?: Execve | undefined;
  /** The arguments after the script (default: this process's). */
  args?: string[];
}

/** Set in the restarted process: its settings are applied ("exec": it replaced the first; "child": it runs under it). */
const APPLIED = 'SOURCE_WOLKVOX_HEAP_APPLIED';
/** Signals a terminal or a supervisor sends, passed on to the child. */
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
/** How often a child checks that its parent is still there (a parent killed by SIGKILL cannot tell it). */
const PARENT_CHECK_MS = 1_000;

/** True when the user chose heap sizes (node flags or NODE_OPTIONS): theirs win. */
function heapChosen(): boolean {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return given.some((flag) => /^--max-(old|semi)-space-size\b/.test(flag));
}

/** In a child: end with SIGTERM (as if the parent had passed it on) once the parent is gone. */
function followParent(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, PARENT_CHECK_MS).unref();
}

/**
 * Runs this program again with HEAP_FLAGS when `args` hold the command `read` and the flags are not
 * in force; resolves with its exit code, or undefined when the current process should run the
 * command itself. The new process shares stdin, stdout and stderr (records are written straight to
 * the real stdout, with its backpressure). Uses `process.execve` where Node has it (22.15+: the
 * image's Node 24), so only one process remains; else a child process: SIGINT, SIGTERM, SIGHUP and
 * SIGQUIT are passed on, its death by a signal is repeated here, and it ends itself within a second
 * when this process is killed outright.
 */
export async function runWithHeapSettings(
  script: string,
  {
    execve = (process as { execve?: Execve }).execve,
    args: scriptArgs = process.argv.slice(2),
  }: RestartOptions = {},
): Promise<number | undefined> {
  if (process.env[APPLIED] === 'child') followParent();
  if (!scriptArgs.includes('read') || process.env[APPLIED] !== undefined || heapChosen()) return undefined;
  const args = [...process.execArgv, ...HEAP_FLAGS, script, ...scriptArgs];
  if (execve !== undefined) {
    execve(process.execPath, [process.execPath, ...args], { ...process.env, [APPLIED]: 'exec' });
  }
  const child = spawn(process.execPath, args, {
    stdio: 'inherit',
    env: { ...process.env, [APPLIED]: 'child' },
  });
  const handlers = FORWARDED.map((signal) => {
    const handler = () => void child.kill(signal);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (...ended) => resolve(ended));
  });
  for (const [forwarded, handler] of handlers) process.off(forwarded, handler);
  if (signal !== null) process.kill(process.pid, signal);
  return code ?? 1;
}
