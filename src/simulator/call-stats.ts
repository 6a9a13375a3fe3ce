/** Why the simulator answered the way it did (one per call). */
export type Outcome =
  | 'ok'
  | 'not-found'
  | 'missing-token'
  | 'invalid-token'
  | 'quota-exceeded'
  | 'too-many-simultaneous'
  | 'maintenance'
  | 'unknown-api'
  | 'bad-parameters'
  | 'range-too-long'
  | 'server-error';

/** Faults injected on purpose; 'server-error' replaces the answer, the others damage or delay it. */
export type FaultKind = 'server-error' | 'reset' | 'truncated' | 'slow';
export const FAULT_KINDS: readonly FaultKind[] = ['server-error', 'reset', 'truncated', 'slow'];

/** One call as the simulator saw it: enough for a test to check which windows a client asked for. */
export interface CallLogEntry {
  /** 1 for the first call. */
  call: number;
  api: string | null;
  dateIni: string | null;
  dateEnd: string | null;
  status: number;
  outcome: Outcome;
  /** Records in the body (after the cap), 0 unless status 200. */
  records: number;
  /** Records in the window before the cap. */
  matched: number;
  faults: FaultKind[];
}

export interface CallStats {
  total: number;
  /** Calls by HTTP status, e.g. { "200": 12, "404": 3 }. */
  byStatus: Record<string, number>;
  byOutcome: Partial<Record<Outcome, number>>;
  faults: Record<FaultKind, number>;
  /** Records sent in 200 answers (counted in full even when a fault cut the body). */
  recordsServed: number;
  /** Calls charged to the daily quota. */
  quotaUsed: number;
  /** Calls holding a simultaneous-request slot now, and the most there ever were. */
  inFlight: number;
  maxInFlight: number;
}

function increment<K extends string>(counts: Partial<Record<K, number>>, key: K): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Counts calls and keeps their log; `reset` starts a fresh "day" (quota included). */
export class CallRecorder {
  private stats = CallRecorder.empty();
  private log: CallLogEntry[] = [];

  private static empty(): CallStats {
    const faults = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
    return {
      total: 0,
      byStatus: {},
      byOutcome: {},
      faults,
      recordsServed: 0,
      quotaUsed: 0,
      inFlight: 0,
      maxInFlight: 0,
    };
  }

  /** Numbers the call and returns its number. */
  begin(): number {
    return ++this.stats.total;
  }

  chargeQuota(): void {
    this.stats.quotaUsed++;
  }

  get quotaUsed(): number {
    return this.stats.quotaUsed;
  }

  get inFlight(): number {
    return this.stats.inFlight;
  }

  enter(): void {
    this.stats.inFlight++;
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.stats.inFlight);
  }

  leave(): void {
    this.stats.inFlight--;
  }

  finish(entry: CallLogEntry): void {
    increment(this.stats.byStatus, String(entry.status));
    increment(this.stats.byOutcome, entry.outcome);
    for (const fault of entry.faults) this.stats.faults[fault]++;
    this.stats.recordsServed += entry.records;
    this.log.push(entry);
  }

  snapshot(): CallStats {
    return structuredClone(this.stats);
  }

  calls(): CallLogEntry[] {
    return [...this.log];
  }

  /** Forgets counts, log and spent quota; calls still in flight keep their slots. */
  reset(): void {
    const { inFlight } = this.stats;
    this.stats = { ...CallRecorder.empty(), inFlight, maxInFlight: inFlight };
    this.log = [];
  }
}
