import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { portInUseMessage, StartupError } from '../db/first-run.js';

/**
 * The HTTP port, taken first thing at start-up: a port already in use stops the service before it has started
 * Postgres, pg-boss or a worker (one clear line, nothing to unwind). Until the app is ready, requests get a 503
 * that says so (load balancers and health checks retry it).
 */
export interface EarlyServer {
  readonly port: number;
  /** From now on, requests go to `app`. */
  serve(app: RequestListener): void;
  /** Stops accepting, lets in-flight requests finish within the budget, then cuts the rest. */
  close(budgetMs: number): Promise<void>;
}

export function listenEarly(port: number, host: string | undefined): Promise<EarlyServer> {
  let app: RequestListener | null = null;
  const server: Server = createServer((req, res) => {
    if (app !== null) {
      app(req, res);
      return;
    }
    res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' });
    res.end(JSON.stringify({ error: { code: 'starting', message: 'the service is starting' } }));
  });
  return new Promise<EarlyServer>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' ? new StartupError(portInUseMessage(port), { cause: error }) : error,
      ),
    );
    const listening = () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        serve: (next) => {
          app = next;
        },
        close: (budgetMs) => closeServer(server, budgetMs),
      });
    if (host === undefined) server.listen(port, listening);
    else server.listen(port, host, listening);
  });
}

async function closeServer(server: Server, budgetMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), budgetMs);
  await closed;
  clearTimeout(timer);
}
