import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeHubSpot } from '../../src/sandbox/index.js';

/**
 * A loopback proxy in front of the sandbox's fake HubSpot, for the network going wrong: answers HubSpot never
 * gave (a 503 before the request reaches it), answers that are lost after HubSpot acted (a 502 or a dropped
 * connection after forwarding), and outages. Everything else, the calls search included, goes to the fake.
 */

export type FaultMode =
  /** Answer with the status; HubSpot never sees the request. */
  | 'before'
  /** Forward (HubSpot acts), then answer with the status instead of HubSpot's answer. */
  | 'after'
  /** Forward, then drop the connection: the caller gets no answer at all. */
  | 'drop-after';

export interface Fault {
  readonly method: string;
  /** Matches the path exactly, or every path starting with it when it ends in '*'. */
  readonly path: string;
  readonly mode: FaultMode;
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  /** How many matching requests it hits; Infinity for an outage until removed. */
  remaining: number;
}

export interface HubSpotProxy {
  readonly url: string;
  /** Every request that reached the proxy, with the status its caller got (0: connection dropped). */
  readonly seen: { method: string; path: string; status: number }[];
  fail(fault: Omit<Fault, 'remaining'> & { times?: number }): void;
  /** Removes every fault: HubSpot is healthy again. */
  heal(): void;
  stop(): Promise<void>;
}

const matches = (fault: Fault, method: string, path: string) =>
  fault.remaining > 0 &&
  fault.method === method &&
  (fault.path.endsWith('*') ? path.startsWith(fault.path.slice(0, -1)) : path === fault.path);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function errorBody(status: number) {
  return {
    status: 'error',
    message: `injected ${status}`,
    correlationId: 'proxy',
    category: 'INTERNAL_ERROR',
  };
}

export async function startHubSpotProxy(fake: FakeHubSpot): Promise<HubSpotProxy> {
  const faults: Fault[] = [];
  const seen: HubSpotProxy['seen'] = [];

  const send = (
    res: ServerResponse,
    entry: { status: number },
    status: number,
    body: unknown,
    headers = {},
  ) => {
    entry.status = status;
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://proxy');
    const entry = { method, path: url.pathname, status: 0 };
    seen.push(entry);
    const body = await readBody(req);
    const fault = faults.find((f) => matches(f, method, url.pathname));
    if (fault) fault.remaining -= 1;
    if (fault?.mode === 'before') {
      return send(
        res,
        entry,
        fault.status ?? 503,
        fault.body ?? errorBody(fault.status ?? 503),
        fault.headers,
      );
    }
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'accept']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const upstream = await fetch(`${fake.url}${url.pathname}${url.search}`, {
      method,
      headers,
      ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
    });
    const text = await upstream.text();
    if (fault?.mode === 'after') {
      return send(
        res,
        entry,
        fault.status ?? 502,
        fault.body ?? errorBody(fault.status ?? 502),
        fault.headers,
      );
    }
    if (fault?.mode === 'drop-after') {
      req.socket.destroy();
      return;
    }
    entry.status = upstream.status;
    const relay: Record<string, string> = {};
    for (const [name, value] of upstream.headers) {
      if (name === 'content-type' || name === 'retry-after' || name.startsWith('x-hubspot'))
        relay[name] = value;
    }
    res.writeHead(upstream.status, relay).end(text);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    fail: ({ times, ...fault }) => void faults.push({ ...fault, remaining: times ?? 1 }),
    heal: () => void faults.splice(0),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
