import { BodyOrderTracker, type ResponseSample, type Window } from '../planner/index.js';
import type { StreamDefinition } from '../streams/definition.js';
import { idOfKey, keyOfId, occurrenceId } from '../streams/record-shape.js';
import type { LocalSeconds } from '../time/local-time.js';
import type { OffsetFormatter } from '../time/zone.js';
import type { WindowEvent, WindowRequest } from '../wolkvox/types.js';
import type { DecodedBatch } from '../streams/record-codec.js';
import { KNOWN, NEW, type DeliveredLedger, type ResponseCopies } from './delivered-ledger.js';
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

/** What the sync of one stream delivered so far: the window reader counts, the engine reads. */
export interface DeliveryCounts {
  records: number;
  /** Records without a readable date (delivered once, by the window that returned them). */
  undatedRecords: number;
  /** Records dated outside the range they were requested for (delivered once, by that request). */
  outsideRecords: number;
  /** Records dated after the operation's present (a skewed clock): delivered, cursor not moved. */
  futureRecords: number;
  /** Records whose fields did not have the documented shape. */
  anomalies: number;
}

/** Anomalies logged one by one before only the total is given (at the end of the sync). */
export const ANOMALIES_LOGGED = 3;

export interface WindowReaderOptions {
  stream: StreamDefinition;
  offsets: OffsetFormatter;
  ledger: DeliveredLedger;
  output: SyncOutput;
  /** Counted up as records are delivered. */
  counts: DeliveryCounts;
  cap: number;
  /** The earliest wall clock from now on: records dated later are from a skewed clock. */
  present: LocalSeconds;
}

/** One attempt at a window's response: everything is recounted when the same request restarts. */
class Attempt {
  rawCount = 0;
  insideCount = 0;
  readonly dates: number[] = [];
  readonly bodyOrder = new BodyOrderTracker();
  lastSecond: LocalSeconds | undefined;
  includesRequestFrom = false;
  includesRequestTo = false;

  /** Copies of identical rows in this response: the k-th gets the k-th occurrence id. */
  constructor(readonly copies: ResponseCopies) {}
}

/**
 * Reads one window's response (asked for `request`: by default date_ini = from - 1 and date_end =
 * to + 1, right whether the API's ends are inclusive or not) and keeps the records dated inside the
 * window; records dated in the padding seconds belong to the neighbouring windows. A record dated
 * outside the whole request (reports that filter on another date) or not dated at all belongs to no
 * other window: it is delivered here. Records the ledger lists are skipped; the others are added to
 * it and written batch by batch as the body streams (nothing is buffered beyond a batch), so a
 * restarted or re-read response never delivers one twice.
 */
export class WindowReader {
  constructor(private readonly options: WindowReaderOptions) {}

  /** The request of `window`: padded by one second each side. */
  requestOf(window: Window): WindowRequest {
    const { stream } = this.options;
    return { report: stream.report, from: window.from - 1, to: window.to + 1, params: stream.params };
  }

  /** Consumes `response`, the events of `request`'s response, to its end. */
  async read(
    window: Window,
    request: WindowRequest,
    response: AsyncIterable<WindowEvent<DecodedBatch>>,
  ): Promise<WindowOutcome> {
    let attempt = new Attempt(this.options.ledger.newResponse());
    let notFound = false;
    for await (const event of response) {
      if (event.type === 'records') {
        this.deliver(event.records, window, request, attempt);
        await this.options.output.endRecordBatch();
      } else if (event.type === 'restart') {
        // Records the failed attempt delivered are in the ledger; the retry recounts from scratch.
        attempt = new Attempt(this.options.ledger.newResponse());
      } else notFound = event.result.notFound;
    }
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
      notFound,
    };
  }

  /** Writes the records of `batch` to deliver, in body order; notes each in the ledger. */
  private deliver(batch: DecodedBatch, window: Window, request: WindowRequest, attempt: Attempt): void {
    const { stream, offsets, ledger, present, counts, output } = this.options;
    const writer = output.records;
    for (let index = 0; index < batch.length; index++) {
      attempt.rawCount += 1;
      const shaped = stream.shape(batch, index, offsets);
      const { key: contentKey, cursorSeconds: second, anomaly } = shaped;
      let placement: 'undated' | 'outside-request' | undefined;
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
          continue; // a neighbour's padding
        else placement = 'outside-request';
      }
      // Returned again by a later request, a record dated outside it stays skippable while that
      // request can be repeated.
      const copy = ledger.firstCopy(contentKey, attempt.copies, keepUntil, placement !== undefined);
      if (copy === KNOWN) continue;
      let key = contentKey;
      if (copy !== NEW) {
        key = keyOfId(occurrenceId(idOfKey(contentKey), copy));
        const known = ledger.has(key);
        if (!known || placement !== undefined) ledger.add(key, keepUntil);
        if (known) continue;
      }
      counts.records += 1;
      if (placement === 'undated') counts.undatedRecords += 1;
      else if (placement === 'outside-request') counts.outsideRecords += 1;
      if (second !== undefined && second > present) counts.futureRecords += 1;
      if (anomaly !== undefined && ++counts.anomalies <= ANOMALIES_LOGGED)
        output.log('WARN', `${stream.name}: a record does not have the documented shape (${anomaly}).`);
      writer.open();
      stream.write(writer, shaped, key);
      writer.close();
    }
  }
}
