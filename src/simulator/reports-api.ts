import { EXCLUDED_REPORTS, REPORT_DEFINITIONS } from '../streams/report-definitions.js';
import { parseLocal, SECONDS_PER_DAY, type LocalSeconds } from '../time/local-time.js';
import {
  CallRecorder,
  FAULT_KINDS,
  type CallLogEntry,
  type CallStats,
  type FaultKind,
  type Outcome,
} from './call-stats.js';
import {
  ANSWERS,
  errorBody,
  escapeNonAscii,
  gatewayErrorBody,
  type Code,
  type ErrorAnswer,
} from './envelope.js';
import { mixSeed, mulberry32, pick, type Random } from './random.js';
import type { ReportData } from './report-data.js';
import {
  cutPieces,
  inChunks,
  selectRecords,
  successPieces,
  type RecordOrder,
  type RecordSource,
} from './response-body.js';
import type { IndexRange, TransferStore } from './transfer-store.js';

/*
 * Where the live API is undocumented, the simulator chooses (a connector must not depend on these):
 * - checks run in this order: injected 5xx, maintenance, token, daily quota, simultaneous calls,
 *   api, the report's parameter, dates, range; the first that fails answers;
 * - a range longer than 31 days (date_end - date_ini > 31 x 86,400 s) is a 400 "THE DATE RANGE
 *   CANNOT EXCEED 31 DAYS"; date_ini after date_end is the 404 "Validate dates entered";
 * - a missing `api` is "SOME PARAMETERS ARE REQUIRED"; a name outside the 104 reports of the
 *   official collection "DOES NOT EXIST"; a report's parameter (skill_id, agent_id, campaign_id,
 *   cod_act, customer_id) missing or malformed (a skill_id not a number, a cod_act other than
 *   cod_act1 / cod_act2) is "SOME PARAMETERS ARE REQUIRED"; reports other than chat_9 have data
 *   only with the `reportData` option (see report-data.ts), else they answer 404;
 * - the wolkvox_server header may be absent (the host names the server); naming another server is
 *   "PLEASE VALIDATE TOKEN";
 * - maintenance is a 403 with an empty body; injected 5xx come as HTML from a "gateway";
 * - every call with a valid token costs one unit of quota (400, 404 and the simultaneous-request
 *   403 included), except those refused for the quota itself; the quota comes back on resetStats;
 * - a 200's msg counts the records in `data`, after the cap, so truncation stays silent.
 */

/** `code` in bodies: always a number, always a string, or switching call by call. */
export type CodeStyle = 'number' | 'string' | 'alternate';

export interface FaultOptions {
  /** Share of calls (0 to 1) that get one fault, its kind drawn evenly from `kinds`. */
  rate: number;
  kinds?: readonly FaultKind[];
  /** Delay added by a 'slow' fault. Default 2,000 ms. */
  slowMs?: number;
}

/** Wall-clock span (epoch milliseconds, end excluded) during which every call gets the maintenance 403. */
export interface MaintenanceSpan {
  startMs: number;
  endMs: number;
}

export interface ReportsApiOptions {
  /** The one valid `wolkvox-token`. */
  token: string;
  /** The operation's server number; a `wolkvox_server` header naming another one is refused. */
  server: string;
  /** Seeds faults, maintenance and random order. Default 1. */
  seed?: number;
  /** Records per call; more are silently dropped. Default 60,000. */
  cap?: number;
  /** Default 'ascending'. */
  order?: RecordOrder;
  /** Whether a record dated exactly date_ini / date_end is returned. Default true for both. */
  dateIniInclusive?: boolean;
  dateEndInclusive?: boolean;
  /** Default 'number'. */
  code?: CodeStyle;
  /** `data` as a bare object, not a list, when exactly one record matches. Default false. */
  singleObjectData?: boolean;
  /** Non-ASCII characters as \u00e9 escapes (PHP json_encode's default). Default false. */
  unicodeEscapes?: boolean;
  /** Calls accepted before "TOKEN LIMIT EXCEEDED". Default unlimited. */
  dailyQuota?: number;
  /** Simultaneous calls per token before "EXCEEDS THE LIMIT...". Default 2. */
  maxSimultaneous?: number;
  /** Longest date_end - date_ini accepted. Default 31 days. */
  maxRangeDays?: number;
  /** Share of calls (0 to 1) answered with the maintenance 403. Default 0. */
  maintenanceRate?: number;
  maintenanceSpans?: readonly MaintenanceSpan[];
  faults?: FaultOptions;
  /** Delay before every answer, holding its simultaneous-request slot. Default 0. */
  latencyMs?: number;
  /** Wall clock for maintenance spans; default Date.now. */
  now?: () => number;
  /** Rows of every report but chat_9. Default none: those reports answer 404. */
  reportData?: ReportData;
}

/** The parts of a request the API looks at. */
export interface ApiRequest {
  /** The query string: api, date_ini, date_end. */
  params: URLSearchParams;
  /** The `wolkvox-token` header; undefined when absent. */
  token: string | undefined;
  /** The `wolkvox_server` header; undefined when absent. */
  server: string | undefined;
}

/**
 * How the transport ends the body: normally; by resetting the connection after the (already cut)
 * chunks; or cleanly after them, leaving truncated JSON.
 */
export type BodyEnding = 'complete' | 'reset' | 'truncated';

export interface ApiAnswer {
  status: number;
  outcome: Outcome;
  contentType: string;
  /** Wait this long before sending anything (latency and 'slow' faults). */
  delayMs: number;
  ending: BodyEnding;
  /** The body, produced lazily in chunks of at least `chunkChars` characters (the last may be shorter); iterate once. */
  chunks(chunkChars?: number): Iterable<string>;
  /** Frees the call's simultaneous-request slot once the answer is sent or abandoned; safe to call twice. */
  release(): void;
}

const JSON_TYPE = 'application/json; charset=UTF-8';
const HTML_TYPE = 'text/html; charset=UTF-8';
const DEFAULT_CHUNK_CHARS = 64 * 1024;
/** The parameter each report requires, by report; every report of the official collection is known. */
const REQUIRED_PARAMETERS = new Map<string, string | undefined>([
  ...REPORT_DEFINITIONS.map((definition): [string, string | undefined] => [
    definition.report,
    definition.parameter === 'none' ? undefined : definition.parameter,
  ]),
  ...EXCLUDED_REPORTS.map((report): [string, string | undefined] => [
    report.report,
    report.parameter || undefined,
  ]),
]);
/** Served from the transfer store; the other reports from `reportData`. */
const DATA_REPORT = 'chat_9';
const NO_ROWS: RecordSource = { jsonAt: () => '' };
const GATEWAY_ERRORS: ReadonlyArray<[number, string]> = [
  [500, 'Internal Server Error'],
  [502, 'Bad Gateway'],
  [503, 'Service Unavailable'],
  [504, 'Gateway Timeout'],
];

const DEFAULTS = {
  seed: 1,
  cap: 60_000,
  order: 'ascending',
  dateIniInclusive: true,
  dateEndInclusive: true,
  code: 'number',
  singleObjectData: false,
  unicodeEscapes: false,
  dailyQuota: Number.POSITIVE_INFINITY,
  maxSimultaneous: 2,
  maxRangeDays: 31,
  maintenanceRate: 0,
  maintenanceSpans: [],
  latencyMs: 0,
  now: Date.now,
} satisfies Omit<ReportsApiOptions, 'token' | 'server' | 'faults'>;

type Settings = Required<Omit<ReportsApiOptions, 'faults' | 'reportData'>> & {
  faults: Required<FaultOptions>;
  reportData: ReportData | undefined;
};

/** Whether a report parameter's value is one the API accepts. */
function validParameter(name: string, value: string | null): boolean {
  if (value === null || value.trim() === '') return false;
  if (name === 'skill_id') return /^\d+$/.test(value);
  if (name === 'cod_act') return value === 'cod_act1' || value === 'cod_act2';
  return true;
}

/** "YYYYmmddHHiiss" to LocalSeconds; undefined when absent or not a real date and time. */
function parseApiDate(text: string | null): LocalSeconds | undefined {
  const match = text === null ? null : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  return parseLocal(`${y}-${mo}-${d} ${h}:${mi}:${s}`);
}

/** This call's draws, all from one stream seeded by the call number: the same call, the same fate. */
interface CallFate {
  fault: FaultKind | undefined;
  /** Where a cutting fault stops the body, as a share of its pieces. */
  cutShare: number;
  gatewayError: [number, string];
  maintenance: boolean;
}

/** A decided answer before the fault and slot bookkeeping are attached. */
interface Draft {
  status: number;
  outcome: Outcome;
  contentType: string;
  pieces: Iterable<string>;
  pieceCount: number;
  records: number;
  matched: number;
  holdsSlot: boolean;
}

/**
 * Wolkvox's Reports Manager semantics without HTTP: decides each call's answer from the dataset,
 * the request and the behaviour options, and counts everything. The HTTP server and in-process
 * tests share it.
 */
export class ReportsApi {
  private readonly settings: Settings;
  private readonly recorder = new CallRecorder();
  private readonly maintenanceSpans: MaintenanceSpan[];

  constructor(
    private dataset: TransferStore,
    options: ReportsApiOptions,
  ) {
    const faults = { rate: 0, kinds: FAULT_KINDS, slowMs: 2_000, ...options.faults };
    this.settings = { ...DEFAULTS, ...options, faults, reportData: options.reportData };
    this.maintenanceSpans = [...this.settings.maintenanceSpans];
  }

  /** Later calls see the new dataset; bodies already streaming keep the old one. */
  setDataset(dataset: TransferStore): void {
    this.dataset = dataset;
  }

  /** Every call from now until `durationMs` later gets the maintenance 403. */
  startMaintenance(durationMs: number): void {
    const startMs = this.settings.now();
    this.maintenanceSpans.push({ startMs, endMs: startMs + durationMs });
  }

  stats(): CallStats {
    return this.recorder.snapshot();
  }

  calls(): CallLogEntry[] {
    return this.recorder.calls();
  }

  /** Clears counts and the call log and gives the daily quota back, as a new day would. */
  resetStats(): void {
    this.recorder.reset();
  }

  handle(request: ApiRequest): ApiAnswer {
    const call = this.recorder.begin();
    const fate = this.drawFate(call);
    const code = this.codeFor(call);
    const draft = this.decide(request, fate, code);
    const faults: FaultKind[] = [];
    let ending: BodyEnding = 'complete';
    let pieces = draft.pieces;
    if ((fate.fault === 'reset' || fate.fault === 'truncated') && draft.pieceCount > 0) {
      ending = fate.fault;
      faults.push(fate.fault);
      pieces = cutPieces(pieces, Math.floor(fate.cutShare * draft.pieceCount));
    }
    if (draft.outcome === 'server-error') faults.push('server-error');
    if (fate.fault === 'slow') faults.push('slow');
    this.recorder.finish({
      call,
      api: request.params.get('api'),
      dateIni: request.params.get('date_ini'),
      dateEnd: request.params.get('date_end'),
      status: draft.status,
      outcome: draft.outcome,
      records: draft.records,
      matched: draft.matched,
      faults,
    });
    if (draft.holdsSlot) this.recorder.enter();
    let released = !draft.holdsSlot;
    const escape = this.settings.unicodeEscapes && draft.contentType === JSON_TYPE;
    return {
      status: draft.status,
      outcome: draft.outcome,
      contentType: draft.contentType,
      delayMs: this.settings.latencyMs + (fate.fault === 'slow' ? this.settings.faults.slowMs : 0),
      ending,
      chunks: function* (chunkChars = DEFAULT_CHUNK_CHARS) {
        for (const chunk of inChunks(pieces, chunkChars)) yield escape ? escapeNonAscii(chunk) : chunk;
      },
      release: () => {
        if (!released) this.recorder.leave();
        released = true;
      },
    };
  }

  private drawFate(call: number): CallFate {
    const random: Random = mulberry32(mixSeed(this.settings.seed, call));
    const { faults } = this.settings;
    const faulty = random() < faults.rate && faults.kinds.length > 0;
    const kind = pick(random, faults.kinds);
    return {
      fault: faulty ? kind : undefined,
      cutShare: random(),
      gatewayError: pick(random, GATEWAY_ERRORS),
      maintenance: random() < this.settings.maintenanceRate,
    };
  }

  private codeFor(call: number): Code {
    const { code } = this.settings;
    const asString = code === 'string' || (code === 'alternate' && call % 2 === 0);
    return asString ? '200' : 200;
  }

  private inMaintenance(fate: CallFate): boolean {
    const now = this.settings.now();
    return fate.maintenance || this.maintenanceSpans.some((span) => now >= span.startMs && now < span.endMs);
  }

  /** The records a valid call matches, before the cap: transfers for chat_9, generated rows otherwise. */
  private matching(
    api: string,
    params: URLSearchParams,
    from: LocalSeconds,
    to: LocalSeconds,
    parameter: string | undefined,
  ): { source: RecordSource; range: IndexRange } {
    const { dateIniInclusive, dateEndInclusive, reportData } = this.settings;
    if (api === DATA_REPORT)
      return {
        source: this.dataset,
        range: this.dataset.range(from, to, dateIniInclusive, dateEndInclusive),
      };
    if (!reportData?.has(api)) return { source: NO_ROWS, range: { start: 0, end: 0 } };
    const rows = reportData.rows(api, {
      from,
      to,
      fromInclusive: dateIniInclusive,
      toInclusive: dateEndInclusive,
      parameter: parameter === undefined ? undefined : (params.get(parameter) ?? undefined),
    });
    return { source: rows, range: { start: 0, end: rows.count } };
  }

  /** The checks in the order the live API appears to make them; the first that fails answers. */
  private decide(request: ApiRequest, fate: CallFate, code: Code): Draft {
    const { settings, recorder } = this;
    const codeOf = (status: number): Code => (typeof code === 'string' ? String(status) : status);
    const fail = (outcome: Outcome, answer: ErrorAnswer, holdsSlot = false): Draft => ({
      status: answer.status,
      outcome,
      contentType: JSON_TYPE,
      pieces: [errorBody(answer, codeOf(answer.status))],
      pieceCount: 1,
      records: 0,
      matched: 0,
      holdsSlot,
    });
    const bare = (status: number, outcome: Outcome, body: string): Draft => ({
      status,
      outcome,
      contentType: HTML_TYPE,
      pieces: body === '' ? [] : [body],
      pieceCount: body === '' ? 0 : 1,
      records: 0,
      matched: 0,
      holdsSlot: false,
    });

    if (fate.fault === 'server-error') {
      const [status, reason] = fate.gatewayError;
      return bare(status, 'server-error', gatewayErrorBody(status, reason));
    }
    // Simulator choice: the docs list maintenance as a 403 with no error text; the body is empty.
    if (this.inMaintenance(fate)) return bare(403, 'maintenance', '');
    if (request.token === undefined || request.token === '')
      return fail('missing-token', ANSWERS.missingToken);
    const wrongServer = request.server !== undefined && request.server !== settings.server;
    if (request.token !== settings.token || wrongServer) return fail('invalid-token', ANSWERS.invalidToken);
    if (recorder.quotaUsed >= settings.dailyQuota) return fail('quota-exceeded', ANSWERS.quotaExceeded);
    recorder.chargeQuota();
    if (recorder.inFlight >= settings.maxSimultaneous) {
      return fail('too-many-simultaneous', ANSWERS.tooManySimultaneous);
    }
    // From here on the call occupies one of the token's simultaneous slots until released.
    const api = request.params.get('api');
    if (api === null || api === '') return fail('bad-parameters', ANSWERS.badParameters, true);
    if (!REQUIRED_PARAMETERS.has(api)) return fail('unknown-api', ANSWERS.unknownApi, true);
    const parameter = REQUIRED_PARAMETERS.get(api);
    if (parameter !== undefined && !validParameter(parameter, request.params.get(parameter)))
      return fail('bad-parameters', ANSWERS.badParameters, true);
    const from = parseApiDate(request.params.get('date_ini'));
    const to = parseApiDate(request.params.get('date_end'));
    if (from === undefined || to === undefined) return fail('bad-parameters', ANSWERS.badParameters, true);
    if (to - from > settings.maxRangeDays * SECONDS_PER_DAY) {
      return fail('range-too-long', ANSWERS.rangeTooLong, true);
    }
    const { source, range } = this.matching(api, request.params, from, to, parameter);
    if (range.end === range.start) return fail('not-found', ANSWERS.notFound, true);
    // Random order depends on the request, not the call number: asking again gives the same subset.
    const selection = selectRecords(
      range,
      settings.cap,
      settings.order,
      mulberry32(mixSeed(settings.seed, from, to)),
    );
    const single = settings.singleObjectData && selection.count === 1;
    return {
      status: 200,
      outcome: 'ok',
      contentType: JSON_TYPE,
      pieces: successPieces(source, selection, code, settings.singleObjectData),
      pieceCount: selection.count + (single ? 3 : 4),
      records: selection.count,
      matched: selection.matched,
      holdsSlot: true,
    };
  }
}
