/**
 * Profiles the connector's `read` of a steady backfill (node --cpu-prof) and prints where the CPU
 * time goes: by function (self time) and by file or package. Not part of `npm run bench`.
 *
 * node dist/bench/bench/profile-read.js [--days 124] [--big] [--keep DIR]
 * --big profiles the single 256 MiB response instead of the backfill.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBigResponse } from './lib/big-response.js';
import { HEAP_FLAGS } from '../src/cli/heap.js';
import { readArgs, requireSuccess, runNode } from './lib/process.js';
import { MIB, round, table } from './lib/report.js';
import { benchSimulator, presetOver } from './lib/sim.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const TOP = 25;

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

/** Where a frame's code lives: a package name, a file of the connector, or node itself. */
function place(url: string): string {
  if (url === '') return '(native/V8)';
  const packaged = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packaged) return packaged[1]!;
  if (url.startsWith('node:')) return url;
  const dist = /\/dist\/(.+)$/.exec(url);
  return dist ? dist[1]! : url;
}

function summarise(profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)!.callFrame;
    const where = place(frame.url);
    const name = `${frame.functionName || '(anonymous)'} ${where}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    byPlace.set(where, (byPlace.get(where) ?? 0) + ms);
  }
  const rows = (map: Map<string, number>, limit: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, ms]) => [name, round(ms), round((100 * ms) / total, 1)]);
  console.log(`\nsampled ${round(total)} ms`);
  console.log(table([['file or package', 'self ms', '%'], ...rows(byPlace, 15)]));
  console.log();
  console.log(table([['function', 'self ms', '%'], ...rows(byFunction, TOP)]));
}

async function main(): Promise<void> {
  const keep = option('--keep');
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'wolkvox-profile-'));
  // The heap settings `read` would restart itself with: given here, it runs (and is profiled) in this process.
  const flags = ['--cpu-prof', '--cpu-prof-dir', dir, ...HEAP_FLAGS];
  if (process.argv.includes('--big')) {
    const big = await startBigResponse(59_000, 256 * MIB);
    try {
      const run = await runNode(readArgs(big.config), { nodeFlags: flags, measureRss: true });
      requireSuccess(run, 'profiled read');
      console.log(
        `one ${round(big.bodyBytes / MIB)} MiB answer: ${round(run.wallMs)} ms, peak RSS ${run.maxRssKb} kB`,
      );
    } finally {
      await big.close();
    }
  } else {
    const days = Number(option('--days') ?? 124);
    const dataset = presetOver('steady', days);
    const { sim } = await benchSimulator(dataset);
    try {
      const run = await runNode(readArgs(sim.connectorConfig()), { nodeFlags: flags, measureRss: true });
      requireSuccess(run, 'profiled read');
      console.log(
        `${dataset.size} records, ${sim.stats().total} calls: ${round(run.wallMs)} ms, peak RSS ${run.maxRssKb} kB`,
      );
    } finally {
      await sim.close();
    }
  }
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no profile written in ${dir}`);
  summarise(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
  if (keep === undefined) rmSync(dir, { recursive: true, force: true });
  else console.log(`\nprofile kept in ${join(dir, file)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
