import type { RecordSink } from '../wolkvox/types.js';

/** Thrown into a gated response whose window was abandoned. */
export class AbandonedWindowError extends Error {
  constructor() {
    super('The window was abandoned before its records were used.');
    this.name = 'AbandonedWindowError';
  }
}

/**
 * Holds back a response read ahead of its turn: its sink calls wait (so the body stays paused in
 * the socket instead of piling up in memory) until the gate opens, or fail once it is abandoned.
 */
export class Gate {
  private settle!: (open: boolean) => void;
  private readonly decided = new Promise<boolean>((resolve) => (this.settle = resolve));
  private isOpen = false;

  constructor() {
    // Registered first, so it runs before any call queued on the gate.
    void this.decided.then((open) => (this.isOpen = open));
  }

  open(): void {
    this.settle(true);
  }

  abandon(): void {
    this.settle(false);
  }

  /** `sink` behind the gate: calls made before it opens run, in order, once it does. */
  wrap(sink: RecordSink): RecordSink {
    return {
      onRecord: (record) => (this.isOpen ? sink.onRecord(record) : this.after(() => sink.onRecord(record))),
      onRestart: (info) => {
        if (this.isOpen) sink.onRestart(info);
        else void this.after(() => sink.onRestart(info)).catch(() => undefined);
      },
    };
  }

  private async after<T>(call: () => T): Promise<Awaited<T>> {
    if (!(await this.decided)) throw new AbandonedWindowError();
    return await call();
  }
}
