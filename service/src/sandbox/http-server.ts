import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { z } from 'zod';

/** Wall-clock time for the fakes; tests inject one to move time without waiting. */
export interface SandboxClock {
  now(): number;
}

export const systemClock: SandboxClock = { now: () => Date.now() };

export interface ListeningServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Listens on loopback only: a fake must never be reachable from another machine. */
export async function listenOnLoopback(app: express.Express, port = 0): Promise<ListeningServer> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    stop: () =>
      new Promise<void>((resolve) => {
        // Keep-alive sockets from fetch would otherwise hold close() open for seconds.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const pageQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
});

/** A window onto a long record (a 100k-contact run records 100k dials), for the /__sandbox pages. */
export function pageOf<T>(
  items: readonly T[],
  query: unknown,
): { total: number; offset: number; limit: number; items: T[] } {
  const { offset, limit } = pageQuery.parse(query);
  return { total: items.length, offset, limit, items: items.slice(offset, offset + limit) };
}

export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}
