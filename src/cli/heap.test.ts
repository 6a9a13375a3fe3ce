import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEAP_FLAGS, runWithHeapSettings } from './heap.js';

/** A stand-in for the connector: prints what its process was started with, exits with code 7. */
function probeScript(): { script: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wolkvox-heap-'));
  const out = join(dir, 'seen.json');
  const script = join(dir, 'probe.mjs');
  writeFileSync(
    script,
    `import { writeFileSync } from 'node:fs';
import v8 from 'node:v8';
writeFileSync(${JSON.stringify(out)}, JSON.stringify({
  limitMiB: v8.getHeapStatistics().heap_size_limit / 2 ** 20,
  execArgv: process.execArgv,
  args: process.argv.slice(2),
}));
process.exitCode = 7;
`,
  );
  return { script, out };
}

describe('runWithHeapSettings', () => {
  it('runs `read` again with the heap flags and the same arguments (wherever the command is), and gives back its exit code', async () => {
    const { script, out } = probeScript();
    const args = ['--config', 'c.json', '--catalog', 'k.json', 'read']; // the command need not come first
    expect(await runWithHeapSettings(script, { execve: undefined, args })).toBe(7);
    const seen = JSON.parse(readFileSync(out, 'utf8')) as {
      limitMiB: number;
      execArgv: string[];
      args: string[];
    };
    expect(seen.execArgv).toEqual(expect.arrayContaining([...HEAP_FLAGS]));
    expect(seen.args).toEqual(args);
    // 256 MiB of old space plus the young generation, far below V8's default for this machine.
    expect(seen.limitMiB).toBeLessThan(300);
  });

  it('leaves the other commands, and heap sizes the user chose, in this process', async () => {
    const { script } = probeScript();
    expect(await runWithHeapSettings(script, { execve: undefined, args: ['spec'] })).toBeUndefined();
    const before = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = '--max-old-space-size=512';
    try {
      expect(await runWithHeapSettings(script, { execve: undefined, args: ['read'] })).toBeUndefined();
    } finally {
      if (before === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = before;
    }
  });
});
