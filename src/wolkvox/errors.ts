import { ConfigError, SystemError, TransientError, type ConnectorErrorOptions } from '../errors/index.js';

/**
 * Every answer of the API that is not a success is mapped here, once, to the connector's error taxonomy.
 * `retryable` tells the client whether another attempt may succeed.
 */

/** The token is missing, invalid or used from an address the operation does not allow. */
export class WolkvoxAuthError extends ConfigError {
  readonly retryable = false;
}

/** The operation's daily quota is spent: any further call today fails the same way. */
export class WolkvoxQuotaError extends TransientError {
  readonly retryable = false;
}

/**
 * Why a call failed in a way another attempt may not meet. `throttled` (too many simultaneous
 * requests, HTTP 429) and `paused` (maintenance) are the API limiting the connector's rate.
 */
export type UnavailableCondition =
  'throttled' | 'paused' | 'server-error' | 'timeout' | 'connection' | 'malformed-body';

/** Whether the condition is the API limiting the rate (Airbyte shows such waits as RATE_LIMITED). */
export function isRateLimited(condition: UnavailableCondition): boolean {
  return condition === 'throttled' || condition === 'paused';
}

/** A failure that another attempt may not meet: throttling, maintenance, 5xx, network, bad body. */
export class WolkvoxUnavailableError extends TransientError {
  readonly retryable = true;

  constructor(
    /** What happened, safe to log; becomes RestartInfo.reason. */
    readonly reason: string,
    readonly condition: UnavailableCondition,
    /** The server's Retry-After, in ms, when it sent one. */
    readonly retryAfterMs?: number,
    options?: ConnectorErrorOptions,
  ) {
    super(`Wolkvox is temporarily unavailable: ${reason}`, options);
  }
}

/**
 * HTTP 404 with a body that is not Wolkvox's JSON envelope (an HTML page, an empty body, other JSON):
 * the URL does not reach the Wolkvox API (a wrong base_url or server, or a proxy answering instead).
 */
export class WolkvoxEndpointError extends ConfigError {
  readonly retryable = false;
}

/** The attempts (or the time) allowed for one window are used up; the last failure is the cause. */
export class WolkvoxRetriesExhaustedError extends TransientError {
  readonly retryable = false;
}

/** The API refused the request itself (400) or answered something this client does not know. */
export class WolkvoxRequestError extends SystemError {
  readonly retryable = false;

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type WolkvoxError =
  | WolkvoxAuthError
  | WolkvoxQuotaError
  | WolkvoxUnavailableError
  | WolkvoxEndpointError
  | WolkvoxRetriesExhaustedError
  | WolkvoxRequestError;

/** The kind of a non-success body, as readErrorDetail (decode.ts) tells it. */
export type BodyKind = 'envelope' | 'html' | 'empty' | 'json' | 'text';

const BODY_NAMES: Record<Exclude<BodyKind, 'envelope'>, string> = {
  html: 'an HTML page',
  empty: 'an empty body',
  json: "JSON that is not Wolkvox's answer",
  text: 'a body that is not JSON',
};

/** What a non-success answer said, reduced to what classification needs. */
export interface ApiAnswer {
  /** The HTTP status, or the envelope's `code` when an HTTP 2xx answer carried another one. */
  status: number;
  /** True when `status` is the envelope's code inside an HTTP 2xx answer. */
  fromEnvelope: boolean;
  /** The envelope's `error` and `msg` (or the raw text of a non-JSON body), already redacted; may be empty. */
  detail: string;
  /** What the body was: only `envelope` (Wolkvox's JSON `{code, error, msg, ...}`) is the API's own answer. */
  body: BodyKind;
  retryAfterMs: number | undefined;
}

// Tolerant of case, spacing and surrounding text: the API is not consistent about either.
const QUOTA_SPENT = /token\s+limit\s+exceeded/i;
const TOO_MANY_SIMULTANEOUS = /simultaneous\s+requests/i;
const TOKEN_REJECTED = /validate\s+(?:the\s+)?token/i;

const AUTH_HINT =
  'Check `wolkvox_token` (the wolkvox-token of the operation in Wolkvox Manager) and, if the operation ' +
  "restricts API access to allow-listed IP addresses, that this connector's address is on that list.";

function describe(answer: ApiAnswer): string {
  const where = answer.fromEnvelope
    ? `code ${answer.status} (in an HTTP 200 answer)`
    : `HTTP ${answer.status}`;
  return answer.detail ? `${where} ${answer.detail}` : where;
}

/**
 * A non-success answer to its error, or 'not-found' for a 404 in Wolkvox's JSON envelope: its way of
 * saying that the window holds no records (it says the same for a report that is not enabled; the
 * caller handles that). Any other 404 means the URL is wrong. `endpoint` is the URL asked, without
 * its query, for messages.
 */
export function classifyAnswer(
  answer: ApiAnswer,
  report: string,
  endpoint: string,
): WolkvoxError | 'not-found' {
  const { status, detail } = answer;
  const what = describe(answer);
  if (status === 404) {
    if (answer.body === 'envelope') return 'not-found';
    return new WolkvoxEndpointError(
      `${endpoint} answered HTTP 404 with ${BODY_NAMES[answer.body]} instead of Wolkvox's JSON answer: ` +
        'this URL is not the Wolkvox API. Check `wolkvox_server` (the four-digit server number) and ' +
        '`base_url` (leave it empty for https://wv{server}.wolkvox.com); if a proxy sits in front of ' +
        'Wolkvox, it answered instead.',
    );
  }
  if (status === 401 || (status === 403 && TOKEN_REJECTED.test(detail))) {
    return new WolkvoxAuthError(`Wolkvox rejected the token (${what}). ${AUTH_HINT}`);
  }
  if (status === 403 && QUOTA_SPENT.test(detail)) {
    return new WolkvoxQuotaError(
      `The operation's daily Wolkvox API quota is spent (${what}). The quota is the number of licences x 1,000 ` +
        'calls per day, shared by all tokens of the operation, and it resets at midnight; try again then (a ' +
        'sync stopped by it keeps its state and continues from there).',
    );
  }
  if (status === 403 && TOO_MANY_SIMULTANEOUS.test(detail)) {
    return new WolkvoxUnavailableError(
      `${what}: another client is using the same token right now`,
      'throttled',
      answer.retryAfterMs,
    );
  }
  if (status === 403) {
    return new WolkvoxUnavailableError(
      `${what}: the API is paused (maintenance or server backup), or this address is not on the operation's IP allow-list`,
      'paused',
      answer.retryAfterMs,
    );
  }
  if (status >= 500) {
    return new WolkvoxUnavailableError(`${what}: server error`, 'server-error', answer.retryAfterMs);
  }
  // Not Wolkvox's own answers, but a proxy in front of it (base_url) may send them.
  if (status === 429) {
    return new WolkvoxUnavailableError(
      `${what}: the server or a proxy asks to slow down`,
      'throttled',
      answer.retryAfterMs,
    );
  }
  if (status === 408) {
    return new WolkvoxUnavailableError(
      `${what}: the server or a proxy timed the request out`,
      'timeout',
      answer.retryAfterMs,
    );
  }
  if (status === 400) {
    return new WolkvoxRequestError(status, `Wolkvox refused the request for report ${report} (${what}).`);
  }
  return new WolkvoxRequestError(status, `Unexpected answer from Wolkvox for report ${report}: ${what}.`);
}
