import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import {
  presetDataset,
  startSimulator,
  type CallLogEntry,
  type PresetName,
  type RunningSimulator,
  type SimulatorOptions,
  type TransferDataset,
} from '../../src/simulator/index.js';
import { parseLocal, SECONDS_PER_DAY, type LocalSeconds } from '../../src/time/local-time.js';

/** Every bench dataset starts here, so runs are comparable from one commit to the next. */
export const FIRST_DAY = '2025-01-01';
export const SEED = 2026;
export const CAP = 60_000;

export function presetOver(name: PresetName, days: number, seed = SEED): TransferDataset {
  const from = parseLocal(FIRST_DAY) as LocalSeconds;
  return presetDataset(name, { seed, from, to: from + days * SECONDS_PER_DAY - 1 });
}

/** Counts the bytes a server writes (headers and bodies), per measurement. */
export class ByteCounter {
  private sockets = new Set<Socket>();
  private closedBytes = 0;

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => {
        if (this.sockets.delete(socket)) this.closedBytes += socket.bytesWritten;
      });
    });
  }

  /** Bytes written since the last reset (open connections counted so far). */
  get bytes(): number {
    let open = 0;
    for (const socket of this.sockets) open += socket.bytesWritten;
    return this.closedBytes + open;
  }

  /** Call between runs, once the previous client's connections are closed. */
  reset(): void {
    this.closedBytes = 0;
    for (const socket of this.sockets) this.closedBytes -= socket.bytesWritten;
  }
}

export interface BenchSimulator {
  sim: RunningSimulator;
  bytes: ByteCounter;
}

export async function benchSimulator(
  dataset: TransferDataset,
  options: Partial<SimulatorOptions> = {},
): Promise<BenchSimulator> {
  const sim = await startSimulator({ seed: SEED, ...options, dataset });
  return { sim, bytes: new ByteCounter(sim.server) };
}

/** The successful, complete (not capped) chat_9 answers of a call log: windows worth reading. */
export function completeWindows(calls: readonly CallLogEntry[]): { dateIni: string; dateEnd: string }[] {
  return calls
    .filter((call) => call.status === 200 && call.outcome === 'ok' && call.records === call.matched)
    .filter((call) => call.records < CAP && call.faults.length === 0)
    .map((call) => ({ dateIni: call.dateIni!, dateEnd: call.dateEnd! }));
}

/** Stored dates of a dataset, for minimumCalls. */
export function storedDates(dataset: TransferDataset): LocalSeconds[] {
  const dates = new Array<LocalSeconds>(dataset.size);
  for (let index = 0; index < dataset.size; index++) dates[index] = dataset.secondAt(index);
  return dates;
}
