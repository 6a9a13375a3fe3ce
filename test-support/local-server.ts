import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `call` counts requests from 1. */
export type LocalHandler = (request: IncomingMessage, response: ServerResponse, call: number) => void;

export interface LocalServer {
  /** http://127.0.0.1:{port} */
  url: string;
  /** Requests received so far. */
  readonly calls: number;
  close(): Promise<void>;
}

/** A small HTTP server on loopback answering with `handler`, for tests of what real servers send. */
export async function serveLocally(handler: LocalHandler): Promise<LocalServer> {
  let calls = 0;
  const server: Server = createServer((request, response) => handler(request, response, (calls += 1)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get calls() {
      return calls;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
