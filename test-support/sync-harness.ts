import { shapedRecord } from './shaped-record.js';
import { expect } from 'vitest';
import type { DatasetOptions, TransferDataset } from '../src/simulator/dataset.js';
import { generateDataset } from '../src/simulator/dataset.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../src/simulator/server.js';
import { transfers } from '../src/streams/transfers.js';
import { parseLocal } from '../src/time/local-time.js';
import { OffsetFormatter } from '../src/time/zone.js';
import type { RawRecord } from '../src/wolkvox/types.js';
import { withOccurrenceIds } from './occurrence-ids.js';
import { messagesOfType, runCli, writeJsonFiles, type CliRun } from './run-cli.js';

export const CATALOG_PATH = new URL('../integration_tests/configured_catalog.json', import.meta.url).pathname;

export function dataset(
  options: Partial<Omit<DatasetOptions, 'from' | 'to'>> & { from: string; to: string },
): TransferDataset {
  return generateDataset({
    seed: 11,
    transfersPerDay: 300,
    ...options,
    from: parseLocal(options.from)!,
    to: parseLocal(options.to)!,
  });
}

export async function simulator(options: SimulatorOptions): Promise<RunningSimulator> {
  return startSimulator({ seed: 5, ...options });
}

/** Ids the connector must deliver for `records` (the same transform it uses). */
export function expectedIds(records: Iterable<object>): string[] {
  const offsets = new OffsetFormatter('America/Bogota');
  return withOccurrenceIds(
    [...records].map((record) => shapedRecord(transfers, record as RawRecord, offsets).id),
  ).sort();
}

export function deliveredIds(runs: CliRun[]): string[] {
  return runs
    .flatMap((run) => messagesOfType(run, 'RECORD').map((message) => message.record.data.id as string))
    .sort();
}

export function lastState(run: CliRun): unknown[] {
  const states = messagesOfType(run, 'STATE');
  return states.length === 0 ? [] : [states[states.length - 1]!.state];
}

/** Runs `read` against a simulator; asserts the token never appears in anything the process printed. */
export async function readSync(
  sim: RunningSimulator,
  config: object,
  state?: unknown[],
  timeoutMs?: number,
): Promise<CliRun> {
  const files = writeJsonFiles({ config, ...(state ? { state } : {}) });
  const args = ['read', '--config', files.config!, '--catalog', CATALOG_PATH];
  if (files.state) args.push('--state', files.state);
  const run = await runCli(args, { timeoutMs });
  expect(run.stdout).not.toContain(sim.token);
  expect(run.stderr).not.toContain(sim.token);
  return run;
}
