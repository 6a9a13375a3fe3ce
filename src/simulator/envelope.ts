/** The Wolkvox answers the simulator gives, word for word (wolkvox.com/en/api-response-codes). */
export const ANSWERS = {
  missingToken: { status: 401, error: 'UNAUTHORIZED', msg: 'PLEASE ENTER THE WOLKVOX-TOKEN' },
  invalidToken: { status: 403, error: 'FORBIDDEN', msg: 'PLEASE VALIDATE TOKEN' },
  quotaExceeded: { status: 403, error: 'FORBIDDEN', msg: 'TOKEN LIMIT EXCEEDED' },
  tooManySimultaneous: {
    status: 403,
    error: 'FORBIDDEN',
    msg: 'EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)',
  },
  unknownApi: { status: 400, error: 'BAD REQUEST', msg: 'THE API YOU WANT TO CONSULT DOES NOT EXIST' },
  badParameters: { status: 400, error: 'BAD REQUEST', msg: 'SOME PARAMETERS ARE REQUIRED' },
  // Simulator choice: the docs state the 31-day limit but not the answer to a longer range.
  rangeTooLong: { status: 400, error: 'BAD REQUEST', msg: 'THE DATE RANGE CANNOT EXCEED 31 DAYS' },
  // What the live API says for an empty window (and for a report not enabled on the server).
  notFound: { status: 404, error: null, msg: 'Validate dates entered' },
} as const;

export type ErrorAnswer = (typeof ANSWERS)[keyof typeof ANSWERS];

/** `code` as the number 200 or the string "200": the live API sends both. */
export type Code = number | string;

export function errorBody(answer: ErrorAnswer, code: Code): string {
  return JSON.stringify({ code, error: answer.error, msg: answer.msg, data: null });
}

/** The success envelope up to the opening of `data`; the records and successBodyEnd follow. */
export function successBodyStart(code: Code, recordCount: number): string {
  const head = JSON.stringify({ code, error: null, msg: `${recordCount} records were found` });
  return `${head.slice(0, -1)},"data":`;
}

export const SUCCESS_BODY_END = '}';

/** What a gateway in front of PHP sends when the backend fails: HTML, not JSON. */
export function gatewayErrorBody(status: number, reason: string): string {
  const title = `${status} ${reason}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

const NON_ASCII = /[\u0080-\uffff]/g;

/** PHP's json_encode default: every non-ASCII character as a lowercase \uXXXX escape. */
export function escapeNonAscii(json: string): string {
  return json.replace(NON_ASCII, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
