import type { IncomingMessage, ServerResponse } from 'node:http';

/** One request header as a string (the first, if repeated); undefined when absent. */
export function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  response.end(body);
}

/** Resolves true when the response can take more data, false when its connection closed first. */
export function drained(response: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (writable: boolean) => {
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(writable);
    };
    const onDrain = () => settle(true);
    const onClose = () => settle(false);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}

/** Waits `ms`, or less if the response closes meanwhile (the client gave up); false then. */
export function waitUnlessClosed(response: ServerResponse, ms: number): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!response.destroyed);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      response.off('close', onClose);
      resolve(!response.destroyed);
    }, ms);
    response.once('close', onClose);
  });
}
