import type { ServerResponse } from 'node:http';
import type { ApiAnswer } from './reports-api.js';
import { drained, waitUnlessClosed } from './http-io.js';

// Lets the kernel hand the last bytes over before the reset throws away what is still unsent.
const RESET_GRACE_MS = 20;

/**
 * Sends an answer for real: waits its delay, streams the chunks with backpressure (never more than
 * a chunk or two in memory), then ends cleanly or resets the connection as the answer says.
 */
export async function serveAnswer(
  answer: ApiAnswer,
  response: ServerResponse,
  chunkChars: number,
): Promise<void> {
  response.once('close', () => answer.release());
  if (!(await waitUnlessClosed(response, answer.delayMs))) return;
  const chunks = answer.chunks(chunkChars)[Symbol.iterator]();
  const first = chunks.next();
  const second = chunks.next();
  const headers = { 'content-type': answer.contentType };
  // A one-chunk body goes out with a Content-Length, as a small PHP page would. A reset needs
  // chunked encoding, so that the client can tell the body was not finished.
  if (second.done && answer.ending !== 'reset') {
    const body = first.done ? '' : first.value;
    response.writeHead(answer.status, { ...headers, 'content-length': Buffer.byteLength(body) }).end(body);
    return;
  }
  response.writeHead(answer.status, headers);
  for (const step of [first, second]) {
    if (!step.done) response.write(step.value);
  }
  for (let next = chunks.next(); !next.done; next = chunks.next()) {
    if (!response.write(next.value) && !(await drained(response))) return;
  }
  if (answer.ending !== 'reset') {
    response.end();
    return;
  }
  if (response.writableNeedDrain && !(await drained(response))) return;
  setTimeout(() => response.socket?.resetAndDestroy(), RESET_GRACE_MS);
}
