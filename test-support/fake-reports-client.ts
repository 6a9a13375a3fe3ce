import { elementsBatch } from '../src/streams/record-codec.js';
import { mulberry32 } from '../src/simulator/random.js';
import { SystemError } from '../src/errors/index.js';
import { SECONDS_PER_DAY, type LocalSeconds } from '../src/time/local-time.js';
import {
  CallBudgetExhaustedError,
  type RawRecord,
  type RecordBatch,
  type RecordDecoder,
  type ReportsClient,
  type WindowEvent,
  type WindowRequest,
} from '../src/wolkvox/types.js';

/** One record the fake API holds, filed under `second` (its `date` field may say otherwise, or nothing). */
export interface FakeRow {
  raw: RawRecord;
  second: LocalSeconds;
}

/** Which records a response holds when more than `cap` match, and the order of the body. */
export type ResponseOrder = 'ascending' | 'descending' | { randomSeed: number };

export interface FakeClientOptions {
  /** Records per call; beyond it the response silently holds only `cap` of them. */
  cap: number;
  order?: ResponseOrder;
  fromInclusive?: boolean;
  toInclusive?: boolean;
  /** Requests spanning more than this many days minus one second are refused. */
  maxRangeDays?: number;
  /** For the n-th call (1-based), how many records it hands out before its body fails (then it restarts). */
  failAfter?: (call: number) => number | undefined;
  /** Calls allowed; the next one throws CallBudgetExhaustedError. */
  budget?: number;
}

/** Seeded PRNG: the same request gets the same random order, as a real API would. */
export const seededRandom = mulberry32;

function abortError(): Error {
  return new DOMException('The operation was aborted.', 'AbortError');
}

/** Records per batch; every batch is a turn of the event loop, so that concurrent windows really interleave. */
const BATCH = 64;

/** An in-memory Reports Manager behind the ReportsClient contract. */
export class FakeReportsClient implements ReportsClient {
  callsMade = 0;
  maxInFlight = 0;
  readonly requests: WindowRequest[] = [];
  private inFlight = 0;
  private rows: FakeRow[] = [];

  constructor(
    rows: FakeRow[],
    private readonly options: FakeClientOptions,
  ) {
    this.add(rows);
  }

  /** More records appear (stable order within a second: older first). */
  add(rows: FakeRow[]): void {
    this.rows = [...this.rows, ...rows].sort((a, b) => a.second - b.second);
  }

  async *readWindow<R extends RecordBatch>(
    request: WindowRequest,
    decode: RecordDecoder<R>,
    signal?: AbortSignal,
  ): AsyncGenerator<WindowEvent<R>, void, undefined> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      yield* this.respond(request, decode, signal);
    } finally {
      this.inFlight -= 1;
    }
  }

  private async *respond<R extends RecordBatch>(
    request: WindowRequest,
    decode: RecordDecoder<R>,
    signal?: AbortSignal,
  ): AsyncGenerator<WindowEvent<R>, void, undefined> {
    const maxSpan = (this.options.maxRangeDays ?? 31) * SECONDS_PER_DAY - 1;
    if (request.to - request.from > maxSpan) {
      throw new SystemError(
        `The fake API refuses a range of ${request.to - request.from} s (max ${maxSpan}).`,
      );
    }
    const body = this.body(request);
    let calls = 0;
    for (let attempt = 1; ; attempt += 1) {
      if (this.options.budget !== undefined && this.callsMade >= this.options.budget) {
        throw new CallBudgetExhaustedError(this.options.budget);
      }
      this.callsMade += 1;
      calls += 1;
      this.requests.push(request);
      const failAt = this.options.failAfter?.(this.callsMade) ?? body.length + 1;
      await new Promise(setImmediate);
      // Batches as a body's chunks would give them, each a turn apart.
      for (let start = 0; start < Math.min(body.length, failAt); start += BATCH) {
        if (signal?.aborted) throw abortError();
        const rows = body.slice(start, Math.min(start + BATCH, failAt));
        yield { type: 'records', records: decode(elementsBatch(rows.map((row) => JSON.stringify(row.raw)))) };
        await new Promise(setImmediate);
      }
      if (failAt > body.length) {
        yield { type: 'end', result: { recordCount: body.length, notFound: body.length === 0, calls } };
        return;
      }
      yield { type: 'restart', info: { attempt, delayMs: 0, reason: 'injected failure' } };
    }
  }

  /** The rows one response holds, in body order. */
  private body(request: WindowRequest): FakeRow[] {
    const { cap, order = 'ascending', fromInclusive = true, toInclusive = true } = this.options;
    const first = fromInclusive ? request.from : request.from + 1;
    const last = toInclusive ? request.to : request.to - 1;
    const matching = this.rows.filter((row) => row.second >= first && row.second <= last);
    return responseBody(matching, cap, order, request);
  }
}

/**
 * The first `cap` of the records a request matched (in date order), as the API lists them: in
 * date order, reversed, or shuffled (the same request always gets the same subset).
 */
export function responseBody<T>(
  matching: ArrayLike<T>,
  cap: number,
  order: ResponseOrder,
  request: { from: LocalSeconds; to: LocalSeconds },
): T[] {
  const body = Array.from(matching);
  if (order === 'ascending') return body.slice(0, cap);
  if (order === 'descending') return body.reverse().slice(0, cap);
  const random = seededRandom(order.randomSeed ^ (request.from * 31 + request.to));
  for (let i = body.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [body[i], body[j]] = [body[j]!, body[i]!];
  }
  return body.slice(0, cap);
}
