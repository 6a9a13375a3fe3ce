import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveLocally, type LocalServer } from '../test-support/local-server.js';
import { runCli, writeJsonFiles } from '../test-support/run-cli.js';
import { CATALOG_PATH } from '../test-support/sync-harness.js';

// What each command loads before it answers (start-up time is mostly module loading): ajv's compiler
// never (the config validator is generated ahead of time), undici's entry never (it loads fetch,
// WebSocket, caches and mocks besides the Agent and request the client uses), undici not at all for
// commands that make no request; yargs from its bundled CommonJS build. ajv and undici are CommonJS:
// the modules a run loaded are the keys of require.cache, which a module preloaded with --import
// writes out at exit (for `read`, in the process that applies the heap settings too: node flags pass
// on to it).
const REPORTER = `
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => appendFileSync(process.env.LOADED_MODULES_FILE, Object.keys(cache).join('\\n') + '\\n'));
`;

let server: LocalServer;
let files: Record<string, string>;

beforeAll(async () => {
  // Every window empty: Wolkvox's 404 envelope.
  server = await serveLocally((_request, response) => {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ code: 404, error: null, msg: 'Validate dates entered', data: null }));
  });
  files = writeJsonFiles({
    config: {
      wolkvox_server: '0032',
      wolkvox_token: 'startup-test-token',
      start_date: '2026-01-01',
      end_date: '2026-01-02',
      base_url: server.url,
    },
  });
  writeFileSync(join(dirname(files.config!), 'reporter.mjs'), REPORTER);
});

afterAll(() => server.close());

async function loadedModules(command: string, args: string[]): Promise<string[]> {
  const dir = dirname(files.config!);
  const list = join(dir, `${command}-modules.txt`);
  const run = await runCli([command, ...args], {
    nodeArgs: ['--import', join(dir, 'reporter.mjs')],
    env: { LOADED_MODULES_FILE: list },
  });
  expect(run.exitCode, run.stderr).toBe(0);
  return readFileSync(list, 'utf8')
    .split('\n')
    .map((path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
    .filter((path) => path !== '');
}

describe('start-up: the modules each command loads', () => {
  const cases: [string, () => string[], boolean][] = [
    ['spec', () => [], false],
    ['check', () => ['--config', files.config!], true],
    ['discover', () => ['--config', files.config!], false],
    ['read', () => ['--config', files.config!, '--catalog', CATALOG_PATH], true],
  ];
  it.each(cases)('%s', async (command, args, requests) => {
    const callsBefore = server.calls;
    const loaded = await loadedModules(command, args());
    expect(server.calls > callsBefore).toBe(requests);
    const ajv = loaded.filter((path) => path.startsWith('ajv/'));
    const undici = loaded.filter((path) => path.startsWith('undici/'));
    // Only ajv's run-time helper for string lengths, and only where a config is validated.
    expect(ajv).toEqual(command === 'spec' ? [] : ['ajv/dist/runtime/ucs2length.js']);
    expect(
      loaded.filter((path) => /^(fast-uri|json-schema-traverse|fast-deep-equal|ajv-formats)\//.test(path)),
    ).toEqual([]);
    expect(undici).not.toContain('undici/index.js');
    // yargs from its one-file CommonJS build (not the 21 modules of its ESM entry).
    expect(loaded).toContain('yargs/build/index.cjs');
    if (requests) expect(undici).toContain('undici/lib/dispatcher/agent.js');
    else expect(undici).toEqual([]);
  });
});
