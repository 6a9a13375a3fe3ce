import type { StreamDefinition } from '../streams/definition.js';
import type { LocalSeconds } from '../time/local-time.js';
import type { OffsetFormatter } from '../time/zone.js';
import type { RawRecord, RecordSink, ReportsClient } from '../wolkvox/types.js';
import { AttemptTally, type DeliveredLedger } from './delivered-ledger.js';
import type { Gate } from './gate.js';
import type { SyncOutput } from './output.js';
import { BodyOrderTracker, type ResponseSample, type Window } from './window-planner.js';

export interface WindowOutcome {
  /** The response reached the cap: the window may hold more records than it returned. */
  truncated: boolean;
  sample: ResponseSample;
  /** Latest date inside the window, and the ids of every record of the response dated then. */
  lastSecond: LocalSeconds | undefined;
  idsAtLastSecond: string[];
}

/** What the reader reports about each record it emits. */
export interface EmittedRecord {
  anomaly: string | undefined;
  /** The record has no readable date: it belongs to the window that returned it. */
  undated: boolean;
}

export interface WindowReaderOptions {
  client: ReportsClient;
  stream: StreamDefinition;
  offsets: OffsetFormatter;
  ledger: DeliveredLedger;
  output: SyncOutput;
  cap: number;
  onEmitted(record: EmittedRecord): void;
}

/** One attempt at a window's response: everything is recounted when the same request restarts. */
class Attempt {
  readonly tally = new AttemptTally();
  rawCount = 0;
  readonly dates: number[] = [];
  readonly bodyOrder = new BodyOrderTracker();
  lastSecond: LocalSeconds | undefined;
  idsAtLastSecond: string[] = [];

  /** Notes a record's date; returns whether it lies inside `window`. */
  noteDate(second: LocalSeconds, window: Window): boolean {
    this.bodyOrder.note(second);
    this.dates.push(second);
    return second >= window.from && second <= window.to;
  }

  noteInside(second: LocalSeconds, id: string): void {
    if (this.lastSecond === undefined || second > this.lastSecond) {
      this.lastSecond = second;
      this.idsAtLastSecond = [];
    }
    if (second === this.lastSecond) this.idsAtLastSecond.push(id);
  }
}

/**
 * Reads one window: asks for date_ini = from - 1 and date_end = to + 1 (right whether the API's ends
 * are inclusive or not), keeps the records dated inside the window, skips those the ledger says
 * are delivered already, and emits the rest as they stream (nothing is buffered).
 */
export class WindowReader {
  constructor(private readonly options: WindowReaderOptions) {}

  async read(window: Window, gate?: Gate, signal?: AbortSignal): Promise<WindowOutcome> {
    const { client, stream, ledger } = this.options;
    let attempt = new Attempt();
    const sink: RecordSink = {
      onRecord: (raw) => this.onRecord(raw, window, attempt),
      onRestart: () => {
        // The failed attempt's records were emitted; the retry must not emit them again.
        attempt.tally.mergeInto(ledger, 'all');
        attempt = new Attempt();
      },
    };
    await client.readWindow(
      { report: stream.report, from: window.from - 1, to: window.to + 1 },
      gate ? gate.wrap(sink) : sink,
      signal,
    );
    const truncated = attempt.rawCount >= this.options.cap;
    attempt.tally.mergeInto(ledger, truncated ? 'all' : 'undated');
    return {
      truncated,
      sample: {
        sortedDates: Float64Array.from(attempt.dates).sort(),
        bodyOrder: attempt.bodyOrder.order,
      },
      lastSecond: attempt.lastSecond,
      idsAtLastSecond: attempt.idsAtLastSecond,
    };
  }

  private onRecord(raw: RawRecord, window: Window, attempt: Attempt): void | Promise<void> {
    const { stream, offsets, ledger, output } = this.options;
    attempt.rawCount += 1;
    const { record, id, cursorSeconds: second, anomaly } = stream.transform(raw, offsets);
    if (second !== undefined) {
      if (!attempt.noteDate(second, window)) return;
      attempt.noteInside(second, id);
    }
    const listed = ledger.count(id);
    const copies = attempt.tally.add(id, second, window.to + 1, listed > 0);
    if (listed > 0 && copies <= listed) return;
    this.options.onEmitted({ anomaly, undated: second === undefined });
    return output.record(record);
  }
}
