import { describe, expect, it } from 'vitest';
import { Limiter } from './limiter.js';

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** A task run while holding a slot of `limiter`. */
async function run<T>(limiter: Limiter, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const release = await limiter.acquire(signal);
  try {
    return await task();
  } finally {
    release();
  }
}

describe('Limiter', () => {
  it('runs at most `limit` tasks at once, the others in arrival order', async () => {
    const limiter = new Limiter(2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      run(limiter, async () => {
        started.push(i);
        await g.promise;
      }),
    );
    await new Promise(setImmediate);
    expect(started).toEqual([0, 1]);
    gates[1]?.open();
    await runs[1];
    await new Promise(setImmediate);
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.open();
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('frees the slot when a task fails', async () => {
    const limiter = new Limiter(1);
    await expect(run(limiter, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(run(limiter, () => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('lets an aborted waiter leave the queue without taking a slot', async () => {
    const limiter = new Limiter(1);
    const first = gate();
    const running = run(limiter, () => first.promise);
    const controller = new AbortController();
    let ran = false;
    const waiting = run(
      limiter,
      () => {
        ran = true;
        return Promise.resolve();
      },
      controller.signal,
    );
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    first.open();
    await running;
    await expect(run(limiter, () => Promise.resolve('free'))).resolves.toBe('free');
    expect(ran).toBe(false);
  });

  it('refuses at once when the signal is already aborted', async () => {
    await expect(
      run(new Limiter(1), () => Promise.resolve(1), AbortSignal.abort(new Error('early'))),
    ).rejects.toThrow('early');
  });
});

describe('Limiter.acquire', () => {
  it('frees a slot once however often its release is called', async () => {
    const limiter = new Limiter(1);
    const release = await limiter.acquire();
    release();
    release();
    const first = await limiter.acquire();
    let second = false;
    const waiting = limiter.acquire().then(() => (second = true));
    await Promise.resolve();
    expect(second).toBe(false);
    first();
    await waiting;
    expect(second).toBe(true);
  });
});
