import { describe, expect, it } from 'vitest';
import { ConfigError, SystemError, TransientError } from '../errors/index.js';
import {
  classifyAnswer,
  WolkvoxAuthError,
  WolkvoxEndpointError,
  WolkvoxQuotaError,
  WolkvoxRequestError,
  WolkvoxUnavailableError,
  type ApiAnswer,
} from './errors.js';

const ENDPOINT = 'https://wv0032.wolkvox.com/api/v2/reports_manager.php';

function classify(status: number, detail: string, extra: Partial<ApiAnswer> = {}) {
  return classifyAnswer(
    { status, detail, fromEnvelope: false, body: 'envelope', retryAfterMs: undefined, ...extra },
    'chat_9',
    ENDPOINT,
  );
}

describe('classifyAnswer', () => {
  it.each([
    [401, 'UNAUTHORIZED: PLEASE ENTER THE WOLKVOX-TOKEN'],
    [401, ''],
    [403, 'FORBIDDEN: PLEASE VALIDATE TOKEN'],
    [403, 'error: please validate   token.'],
  ])('%i %j is a config error about the token and the IP allow-list, not retried', (status, detail) => {
    const error = classify(status, detail);
    expect(error).toBeInstanceOf(WolkvoxAuthError);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ retryable: false });
    expect((error as Error).message).toMatch(/wolkvox_token/);
    expect((error as Error).message).toMatch(/allow-listed IP addresses/);
  });

  it.each(['FORBIDDEN: TOKEN LIMIT EXCEEDED', 'Sorry, token limit exceeded for today'])(
    '403 %j is the spent daily quota: transient, not retried',
    (detail) => {
      const error = classify(403, detail);
      expect(error).toBeInstanceOf(WolkvoxQuotaError);
      expect(error).toBeInstanceOf(TransientError);
      expect(error).toMatchObject({ retryable: false });
      expect((error as Error).message).toMatch(/licences x 1,000 calls per day, shared by all tokens/);
      expect((error as Error).message).toMatch(
        /resets at midnight; try again then \(a sync stopped by it keeps its state/,
      );
    },
  );

  it.each([
    [403, 'FORBIDDEN: EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)', /same token/],
    [403, 'exceeds the limit of simultaneous requests per token (2)', /same token/],
    [403, '', /maintenance/],
    [403, '<html>Server under maintenance</html>', /maintenance/],
    [403, 'backup in progress', /maintenance/],
    [500, 'Internal Server Error', /server error/],
    [502, '', /server error/],
    [503, 'Service Unavailable', /server error/],
    [429, '', /slow down/],
  ])('%i %j is retried', (status, detail, reason) => {
    const error = classify(status, detail);
    expect(error).toBeInstanceOf(WolkvoxUnavailableError);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ retryable: true });
    expect((error as WolkvoxUnavailableError).reason).toMatch(reason);
    expect((error as WolkvoxUnavailableError).reason).toContain(`HTTP ${status}`);
  });

  it('carries a Retry-After along', () => {
    expect(classify(503, '', { retryAfterMs: 5000 })).toMatchObject({ retryAfterMs: 5000 });
  });

  it.each([
    'BAD REQUEST: THE API YOU WANT TO CONSULT DOES NOT EXIST',
    'BAD REQUEST: SOME PARAMETERS ARE REQUIRED',
  ])('400 %j is a system error quoting the API', (detail) => {
    const error = classify(400, detail);
    expect(error).toBeInstanceOf(WolkvoxRequestError);
    expect(error).toBeInstanceOf(SystemError);
    expect((error as Error).message).toBe(
      `Wolkvox refused the request for report chat_9 (HTTP 400 ${detail}).`,
    );
  });

  it('404 in the JSON envelope is an empty window, not an error', () => {
    expect(classify(404, 'Validate dates entered')).toBe('not-found');
  });

  it.each([
    ['html', 'an HTML page'],
    ['empty', 'an empty body'],
    ['json', "JSON that is not Wolkvox's answer"],
    ['text', 'a body that is not JSON'],
  ] as const)(
    '404 with a %s body is a config error naming the URL and the fields to check',
    (body, named) => {
      const error = classify(404, '<html>404</html>', { body });
      expect(error).toBeInstanceOf(WolkvoxEndpointError);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(`${ENDPOINT} answered HTTP 404 with ${named}`);
      expect((error as Error).message).toMatch(/`wolkvox_server`.*`base_url`/);
    },
  );

  it.each([
    [403, 'FORBIDDEN: EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)', 'throttled'],
    [429, '', 'throttled'],
    [403, '', 'paused'],
    [503, '', 'server-error'],
    [408, '', 'timeout'],
  ] as const)('%i %j is the condition %s', (status, detail, condition) => {
    expect(classify(status, detail)).toMatchObject({ condition });
  });

  it('any other status is a system error with the status and the message', () => {
    const error = classify(418, "I'm a teapot");
    expect(error).toBeInstanceOf(WolkvoxRequestError);
    expect(error).toMatchObject({ status: 418 });
    expect((error as Error).message).toBe(
      "Unexpected answer from Wolkvox for report chat_9: HTTP 418 I'm a teapot.",
    );
  });

  it('names an envelope code as such', () => {
    const error = classify(503, 'busy', { fromEnvelope: true }) as WolkvoxUnavailableError;
    expect(error.reason).toBe('code 503 (in an HTTP 200 answer) busy: server error');
  });
});
