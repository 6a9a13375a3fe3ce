/**
 * The overall deadline of one attempt: connect, headers and the whole body. undici's own timeouts
 * are idle timers that every byte resets, so a body trickling a byte every few seconds would never
 * end; this one runs on the wall clock from the start of the attempt.
 *
 * Time during which the records' consumer holds the body back (stdout backpressure downstream) is
 * not the API's doing and is not counted: `pause()` and `resume()` bracket it.
 */
export class AttemptDeadline {
  readonly #controller = new AbortController();
  #remainingMs: number;
  #runningSince: number | undefined;
  #timer: NodeJS.Timeout | undefined;

  /** Starts the clock: `signal` aborts `ms` milliseconds from now (not counting paused time). */
  constructor(readonly ms: number) {
    this.#remainingMs = ms;
    this.#start();
  }

  /** Aborted once the deadline has passed. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get expired(): boolean {
    return this.#controller.signal.aborted;
  }

  /** Stops the clock until resume(); nested calls are not supported. */
  pause(): void {
    if (this.#runningSince === undefined || this.expired) return;
    clearTimeout(this.#timer);
    this.#remainingMs -= performance.now() - this.#runningSince;
    this.#runningSince = undefined;
  }

  resume(): void {
    if (this.#runningSince !== undefined || this.expired) return;
    this.#start();
  }

  /** The attempt is over: the clock stops for good. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#runningSince = undefined;
  }

  #start(): void {
    this.#runningSince = performance.now();
    this.#timer = setTimeout(
      () => this.#controller.abort(new Error(`no complete answer within ${this.ms} ms`)),
      Math.max(0, this.#remainingMs),
    );
  }
}
