import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnvironment } from './process.js';

/** bench/faros: the transfers stream written on faros-airbyte-cdk, outside the project's dependencies. */
export const FAROS_DIR = fileURLToPath(new URL('../../../../bench/faros/', import.meta.url));
const TSC = fileURLToPath(new URL('../../../../node_modules/typescript/bin/tsc', import.meta.url));
const INSTALL_TIMEOUT_MS = 600_000;
const MESSAGE_CHARS = 600;

export type FarosConnector =
  { ready: true; main: string; cdkVersion: string } | { ready: false; reason: string };

/** The first lines of a failed command's stderr (npm's error code and reason), without stack frames. */
function failure(error: unknown): string {
  const { stderr, message } = error as { stderr?: Buffer | string; message?: string };
  const lines = (stderr?.toString() ?? '')
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\S*\s*at /.test(line.replace(/^npm error\s+/, '')));
  const text = lines.slice(0, 4).join(' / ') || (message ?? String(error));
  return text.slice(0, MESSAGE_CHARS);
}

/**
 * The faros comparison connector, ready to run: `npm ci` in bench/faros when its node_modules lacks
 * faros-airbyte-cdk (the pinned versions of its package-lock.json), then compiled with the project's
 * TypeScript to bench/faros/lib. Never throws: when either step fails (offline, registry down) it says
 * why, and the bench skips the comparison.
 */
export function prepareFaros(): FarosConnector {
  const cdkPackage = join(FAROS_DIR, 'node_modules', 'faros-airbyte-cdk', 'package.json');
  try {
    if (!existsSync(cdkPackage)) {
      execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: FAROS_DIR,
        env: childEnvironment(),
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: INSTALL_TIMEOUT_MS,
      });
    }
  } catch (error) {
    return { ready: false, reason: `npm ci in bench/faros failed: ${failure(error)}` };
  }
  try {
    execFileSync(process.execPath, [TSC, '-p', join(FAROS_DIR, 'tsconfig.json')], {
      env: childEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const { stdout } = error as { stdout?: Buffer };
    const reason = (stdout?.toString() ?? '').trim() || failure(error);
    return { ready: false, reason: `bench/faros does not compile: ${reason.slice(-MESSAGE_CHARS)}` };
  }
  const { version } = JSON.parse(readFileSync(cdkPackage, 'utf8')) as { version: string };
  return { ready: true, main: join(FAROS_DIR, 'lib', 'main.js'), cdkVersion: version };
}
