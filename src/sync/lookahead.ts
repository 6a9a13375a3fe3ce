import type { Window } from '../planner/index.js';
import type { LocalSeconds } from '../time/local-time.js';
import { Gate } from './gate.js';
import type { WindowOutcome } from './window-reader.js';

type ReadWindow = (window: Window, gate: Gate | undefined, signal: AbortSignal) => Promise<WindowOutcome>;

interface Started {
  window: Window;
  outcome: Promise<WindowOutcome>;
  gate: Gate | undefined;
  abort: AbortController;
}

/**
 * Reads windows in order, one at a time, or (with two concurrent requests) also starts the window
 * that follows as if the current one completes. The early response waits behind a gate until the
 * engine has handled the current window and asks for the next one from where it starts; if the
 * engine asks for anything else (the current window was truncated), the early one is aborted.
 */
export class WindowReads {
  private ahead: Started | undefined;

  constructor(
    private readonly concurrency: 1 | 2,
    private readonly readWindow: ReadWindow,
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
    if (current?.window.from === from) current.gate?.open();
    else {
      if (current) await this.discard(current);
      current = this.start(plan(from), undefined);
    }
    if (this.concurrency === 2 && current.window.to < last) {
      this.ahead = this.start(plan(current.window.to + 1), new Gate());
    }
    return { window: current.window, outcome: await current.outcome };
  }

  /** Aborts a window started early, if any; the engine calls it when it stops. */
  async close(): Promise<void> {
    const ahead = this.ahead;
    this.ahead = undefined;
    if (ahead) await this.discard(ahead);
  }

  private start(window: Window, gate: Gate | undefined): Started {
    const abort = new AbortController();
    const outcome = this.readWindow(window, gate, abort.signal);
    // Its failure is reported when (and if) the engine reaches it.
    outcome.catch(() => undefined);
    return { window, outcome, gate, abort };
  }

  /** Waits for the abandoned request to end, so that at most two are ever in flight. */
  private async discard(started: Started): Promise<void> {
    started.gate?.abandon();
    started.abort.abort();
    await started.outcome.catch(() => undefined);
  }
}
