import { cliPath, requireSuccess, runNode, writeJsonFiles } from './lib/process.js';
import { median, round } from './lib/report.js';

export interface StartupCase {
  command: string;
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Median minus the median of `node -e 0`: what the connector itself adds. */
  overBareNodeMs: number;
}

/** Wall time of `spec`, `discover` and a bare `node -e 0`, runs interleaved so drift hits all three. */
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
  const commands: [string, string[]][] = [
    ['node -e 0', ['-e', '0']],
    ['spec', [cliPath(), 'spec']],
    ['discover', [cliPath(), 'discover', '--config', config!]],
  ];
  const times = new Map<string, number[]>(commands.map(([name]) => [name, []]));
  // One untimed round fills the OS file cache.
  for (const [name, args] of commands) requireSuccess(await runNode(args), name);
  for (let run = 0; run < runs; run++) {
    for (const [name, args] of commands) {
      const result = await runNode(args);
      requireSuccess(result, name);
      times.get(name)!.push(result.wallMs);
    }
  }
  const bare = median(times.get('node -e 0')!);
  return commands.map(([command]) => {
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
