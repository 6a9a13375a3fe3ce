import { cliPath, readArgs, requireSuccess, runNode, writeJsonFiles } from './lib/process.js';
import { median, round } from './lib/report.js';
import { benchSimulator, presetOver } from './lib/sim.js';

export interface StartupCase {
  command: string;
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Median minus the median of `node -e 0`: what the connector itself adds. */
  overBareNodeMs: number;
}

/** The label of the time from spawning `read` to the simulator receiving its first request. */
const READ_FIRST_REQUEST = 'read, to its first request';

/**
 * Wall time of a bare `node -e 0`, `spec`, `discover`, `check` and `read` (spawn to exit), and of
 * `read` from spawn to its first request, runs interleaved so drift hits all of them. `check` and
 * `read` run against the simulator (14 quiet days: one call, about 550 transfers).
 */
export async function startup(runs: number): Promise<StartupCase[]> {
  // discover reads and validates the config but calls nothing: the base_url need not answer.
  const { config } = writeJsonFiles({
    config: {
      wolkvox_server: '0032',
      wolkvox_token: 'bench-startup-token',
      start_date: '2025-01-01',
      base_url: 'http://127.0.0.1:9',
    },
  });
  const { sim } = await benchSimulator(presetOver('quiet', 14));
  let firstRequestAt: number | undefined;
  sim.server.on('request', () => (firstRequestAt ??= performance.now()));
  const read = readArgs(sim.connectorConfig());
  const commands: [string, string[]][] = [
    ['node -e 0', ['-e', '0']],
    ['spec', [cliPath(), 'spec']],
    ['discover', [cliPath(), 'discover', '--config', config!]],
    ['check', [cliPath(), 'check', '--config', read[read.indexOf('--config') + 1]!]],
    ['read', read],
  ];
  const times = new Map<string, number[]>(
    [...commands.map(([name]) => name), READ_FIRST_REQUEST].map((name) => [name, []]),
  );
  try {
    // One untimed round fills the OS file cache.
    for (const [name, args] of commands) requireSuccess(await runNode(args), name);
    for (let run = 0; run < runs; run++) {
      for (const [name, args] of commands) {
        firstRequestAt = undefined;
        const started = performance.now();
        const result = await runNode(args);
        requireSuccess(result, name);
        times.get(name)!.push(result.wallMs);
        if (name === 'read') times.get(READ_FIRST_REQUEST)!.push(firstRequestAt! - started);
      }
    }
  } finally {
    await sim.close();
  }
  const bare = median(times.get('node -e 0')!);
  return [...times.keys()].map((command) => {
    const values = times.get(command)!;
    return {
      command,
      runs,
      medianMs: round(median(values), 1),
      minMs: round(Math.min(...values), 1),
      maxMs: round(Math.max(...values), 1),
      overBareNodeMs: round(median(values) - bare, 1),
    };
  });
}
