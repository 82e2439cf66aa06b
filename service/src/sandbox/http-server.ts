import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import type { Response } from 'express';
import { z } from 'zod';

/** Wall-clock time for the fakes; tests inject one to move time without waiting. */
export interface SandboxClock {
  now(): number;
  /**
   * Real-rate time for what the other end checks against its own clock (signature timestamps, token lifetimes,
   * rate-limit windows), when it differs from `now` (the accelerated clock); absent: `now`.
   */
  readonly wire?: { now(): number };
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

/**
 * Parses a /__sandbox page's query with `schema`; a bad value is answered 400 naming the parameter (and null is
 * returned), never a 500.
 */
export function sandboxQuery<T>(schema: z.ZodType<T>, query: unknown, res: Response): T | null {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'query';
  res.status(400).json({ error: `${field}: ${issue?.message ?? 'invalid'}`, field });
  return null;
}

/** Answers a window onto a long record (a 100k-contact run records 100k dials), for the /__sandbox pages. */
export function sendPage<T>(res: Response, items: readonly T[], query: unknown): void {
  const page = sandboxQuery(pageQuery, query, res);
  if (!page) return;
  const { offset, limit } = page;
  res.json({ total: items.length, offset, limit, items: items.slice(offset, offset + limit) });
}

export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}
