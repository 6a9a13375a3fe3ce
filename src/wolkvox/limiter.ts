/**
 * Lets at most `limit` holders in at once; the others wait their turn in order. Wolkvox allows two
 * requests per token at a time, shared with every other user of the token, so this is a hard bound.
 * Hand-written (not p-limit) because a waiting turn must be cancellable by an AbortSignal.
 */
export class Limiter {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /**
   * Waits for a slot (in arrival order) and returns the function that frees it; calling it again
   * does nothing. Rejects with the signal's reason if it aborts while waiting (no slot is taken).
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    await this.#acquire(signal);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#release();
    };
  }

  #acquire(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    if (this.#running < this.limit) {
      this.#running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#waiting.splice(this.#waiting.indexOf(grant), 1);
        reject(signal?.reason as Error);
      };
      // The releasing task hands its slot over directly, so #running does not change.
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.#waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#running -= 1;
  }
}
