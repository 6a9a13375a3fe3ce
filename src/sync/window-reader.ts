import { BodyOrderTracker, type ResponseSample, type Window } from '../planner/index.js';
import type { StreamDefinition } from '../streams/definition.js';
import { occurrenceId } from '../streams/record-shape.js';
import type { LocalSeconds } from '../time/local-time.js';
import type { OffsetFormatter } from '../time/zone.js';
import type { RawRecord, RecordSink, ReportsClient, WindowRequest } from '../wolkvox/types.js';
import type { DeliveredLedger } from './delivered-ledger.js';
import type { Gate } from './gate.js';
import type { SyncOutput } from './output.js';

export interface WindowOutcome {
  /** The response reached the cap: the window may hold more records than it returned. */
  truncated: boolean;
  sample: ResponseSample;
  /** Latest date inside the window, if any record was dated inside it. */
  lastSecond: LocalSeconds | undefined;
  /** Records of the response dated inside the window. */
  insideCount: number;
  /** The response held records dated exactly the request's first / last second (the API includes that end). */
  includesRequestFrom: boolean;
  includesRequestTo: boolean;
  /** The API answered 404 "no records" (what it also says for a report that is not enabled). */
  notFound: boolean;
}

/** What the reader reports about each record it emits. */
export interface EmittedRecord {
  anomaly: string | undefined;
  /** Why the record was delivered though its date does not place it in the window, if so. */
  placement: 'undated' | 'outside-request' | undefined;
  /** Its date is later than the present (a skewed clock): it does not move the cursor. */
  future: boolean;
}

export interface WindowReaderOptions {
  client: ReportsClient;
  stream: StreamDefinition;
  offsets: OffsetFormatter;
  ledger: DeliveredLedger;
  output: SyncOutput;
  cap: number;
  /** The earliest wall clock from now on: records dated later are from a skewed clock. */
  present: LocalSeconds;
  onEmitted(record: EmittedRecord): void;
}

/** One attempt at a window's response: everything is recounted when the same request restarts. */
class Attempt {
  rawCount = 0;
  insideCount = 0;
  readonly dates: number[] = [];
  readonly bodyOrder = new BodyOrderTracker();
  /** Copies so far of each content id: the k-th identical row gets the k-th occurrence id. */
  readonly copies = new Map<string, number>();
  lastSecond: LocalSeconds | undefined;
  includesRequestFrom = false;
  includesRequestTo = false;

  occurrence(contentId: string): number {
    const k = (this.copies.get(contentId) ?? 0) + 1;
    this.copies.set(contentId, k);
    return k;
  }
}

/**
 * Reads one window: by default asks for date_ini = from - 1 and date_end = to + 1 (right whether the
 * API's ends are inclusive or not) and keeps the records dated inside the window; records dated in
 * the padding seconds belong to the neighbouring windows. A record dated outside the whole request
 * (reports that filter on another date) or not dated at all belongs to no other window: it is
 * delivered here. Records the ledger lists are skipped; the others are added to it and emitted as they
 * stream (nothing is buffered), so a restarted or re-read response never delivers one twice.
 */
export class WindowReader {
  constructor(private readonly options: WindowReaderOptions) {}

  /** `request`: the range to ask for, when not the padded window (narrowing a one-second window). */
  async read(
    window: Window,
    gate?: Gate,
    signal?: AbortSignal,
    request?: WindowRequest,
  ): Promise<WindowOutcome> {
    const { client, stream } = this.options;
    const asked = request ?? {
      report: stream.report,
      from: window.from - 1,
      to: window.to + 1,
      params: stream.params,
    };
    let attempt = new Attempt();
    const sink: RecordSink = {
      onRecord: (raw) => this.onRecord(raw, window, asked, attempt),
      // Records the failed attempt delivered are in the ledger; the retry recounts from scratch.
      onRestart: () => (attempt = new Attempt()),
    };
    const result = await client.readWindow(asked, gate ? gate.wrap(sink) : sink, signal);
    return {
      truncated: attempt.rawCount >= this.options.cap,
      sample: {
        sortedDates: Float64Array.from(attempt.dates).sort(),
        bodyOrder: attempt.bodyOrder.order,
      },
      lastSecond: attempt.lastSecond,
      insideCount: attempt.insideCount,
      includesRequestFrom: attempt.includesRequestFrom,
      includesRequestTo: attempt.includesRequestTo,
      notFound: result.notFound,
    };
  }

  private onRecord(
    raw: RawRecord,
    window: Window,
    request: WindowRequest,
    attempt: Attempt,
  ): void | Promise<void> {
    const { stream, offsets, ledger, output, present } = this.options;
    attempt.rawCount += 1;
    const { record, id: contentId, cursorSeconds: second, anomaly } = stream.transform(raw, offsets);
    let placement: EmittedRecord['placement'];
    let keepUntil = request.to;
    if (second === undefined) placement = 'undated';
    else {
      attempt.bodyOrder.note(second);
      attempt.dates.push(second);
      if (second === request.from) attempt.includesRequestFrom = true;
      if (second === request.to) attempt.includesRequestTo = true;
      if (second >= window.from && second <= window.to) {
        attempt.insideCount += 1;
        if (attempt.lastSecond === undefined || second > attempt.lastSecond) attempt.lastSecond = second;
        keepUntil = second;
      } else if (second >= request.from && second <= request.to)
        return; // a neighbour's padding
      else placement = 'outside-request';
    }
    const k = attempt.occurrence(contentId);
    const id = k === 1 ? contentId : occurrenceId(contentId, k);
    if (ledger.has(id)) {
      // Returned again by a later request: it stays skippable while that request can be repeated.
      if (placement !== undefined) ledger.add(id, keepUntil);
      return;
    }
    if (k > 1) record.id = id;
    ledger.add(id, keepUntil);
    this.options.onEmitted({ anomaly, placement, future: second !== undefined && second > present });
    return output.record(record);
  }
}
