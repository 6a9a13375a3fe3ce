import type { Window } from '../planner/index.js';
import type { DecodedBatch } from '../streams/record-codec.js';
import type { LocalSeconds } from '../time/local-time.js';
import type { WindowEvent, WindowRequest } from '../wolkvox/types.js';
import type { WindowOutcome } from './window-reader.js';

type Response = AsyncGenerator<WindowEvent<DecodedBatch>, void, undefined>;

/** How the engine asks for a window's response (not yet pulled) and consumes one. */
export interface WindowIo {
  request(window: Window): WindowRequest;
  respond(request: WindowRequest, signal: AbortSignal): Response;
  consume(
    window: Window,
    request: WindowRequest,
    response: AsyncIterable<WindowEvent<DecodedBatch>>,
  ): Promise<WindowOutcome>;
}

interface Started {
  window: Window;
  request: WindowRequest;
  response: Response;
  /** A window read ahead: its first event, pulled at once so that its request is under way. */
  first: Promise<IteratorResult<WindowEvent<DecodedBatch>, void>> | undefined;
  abort: AbortController;
}

/**
 * Reads windows in order, one at a time, or (with two concurrent requests) also starts the window
 * that follows as if the current one completes: its response is pulled up to its first batch, and
 * then nobody pulls it (its body waits in the socket) until the engine asks for the window from where
 * it starts. If the engine asks for anything else (the current window was truncated), the early
 * response is aborted.
 */
export class WindowReads {
  private ahead: Started | undefined;

  constructor(
    private readonly concurrency: 1 | 2,
    private readonly io: WindowIo,
  ) {}

  /**
   * Reads the window `plan(from)` (or the one already started from `from`). `last` is the range's
   * last second: nothing is started beyond it.
   */
  async read(
    from: LocalSeconds,
    last: LocalSeconds,
    plan: (from: LocalSeconds) => Window,
  ): Promise<{ window: Window; outcome: WindowOutcome }> {
    let current = this.ahead;
    this.ahead = undefined;
    if (current?.window.from !== from) {
      if (current) await this.discard(current);
      current = this.start(plan(from), false);
    }
    if (this.concurrency === 2 && current.window.to < last) {
      this.ahead = this.start(plan(current.window.to + 1), true);
    }
    const { window, request } = current;
    return { window, outcome: await this.io.consume(window, request, events(current)) };
  }

  /** Aborts a window started early, if any; the engine calls it when it stops. */
  async close(): Promise<void> {
    const ahead = this.ahead;
    this.ahead = undefined;
    if (ahead) await this.discard(ahead);
  }

  private start(window: Window, early: boolean): Started {
    const abort = new AbortController();
    const request = this.io.request(window);
    const response = this.io.respond(request, abort.signal);
    const first = early ? response.next() : undefined;
    // Its failure is reported when (and if) the engine reaches it.
    first?.catch(() => undefined);
    return { window, request, response, first, abort };
  }

  /** Waits for the abandoned request to end, so that at most two are ever in flight. */
  private async discard(started: Started): Promise<void> {
    started.abort.abort();
    await started.first?.catch(() => undefined);
    await started.response.return().catch(() => undefined);
  }
}

/** A started window's events: the one pulled early first, if any; ending early releases the response. */
async function* events(started: Started): AsyncGenerator<WindowEvent<DecodedBatch>, void, undefined> {
  try {
    if (started.first !== undefined) {
      const first = await started.first;
      if (first.done === true) return;
      yield first.value;
    }
    yield* started.response;
  } finally {
    await started.response.return();
  }
}
