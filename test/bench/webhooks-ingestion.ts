import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PgBoss } from 'pg-boss';
import { systemClock } from '../../service/src/core/clock.js';
import { createPool, type Pool, type PoolClient } from '../../service/src/db/pool.js';
import { createHttpApp } from '../../service/src/http/app.js';
import { startBoss } from '../../service/src/jobs/boss.js';
import { createLogger } from '../../service/src/logger.js';
import { elevenLabsWebhookRoutes } from '../../service/src/webhooks/elevenlabs-webhook-route.js';
import { createEventWriter } from '../../service/src/webhooks/event-writer.js';
import { WEBHOOK_PROCESS_QUEUE } from '../../service/src/webhooks/index.js';

/**
 * The ingestion path as a web process runs it: the real Express app with the webhook route, the event writer over a
 * pool of the default size, and a pg-boss that only sends (no workers, no supervision), on a loopback port.
 */

export interface WriterCommits {
  /** Transactions the writer committed, events it offered to them, and how long each took (BEGIN to COMMIT). */
  readonly commits: number;
  readonly events: number;
  readonly commitMs: readonly number[];
}

export interface Ingestion {
  readonly url: string;
  readonly boss: PgBoss;
  /** The writer's transactions since the last call. */
  takeCommits(): WriterCommits;
  stop(): Promise<void>;
}

/** Production logs one JSON line per request at info; the line is built and redacted here too, then dropped. */
const discard = { write: (_line: string) => {} };

export async function startIngestion(databaseUrl: string, secret: string): Promise<Ingestion> {
  const logger = createLogger('info', discard);
  const pool = createPool(databaseUrl, logger);
  const boss = await startBoss({
    connectionString: databaseUrl,
    logger,
    queues: [WEBHOOK_PROCESS_QUEUE],
    supervise: false,
  });
  const counter = new CommitCounter();
  const writer = createEventWriter(counter.wrap(pool), boss, logger);
  const app = createHttpApp({
    logger,
    readiness: [],
    routers: [elevenLabsWebhookRoutes({ secret, writer, clock: systemClock })],
  });
  const server = createServer(app);
  // Longer than any pause between phases, so a client never reuses a connection the server is closing.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    boss,
    takeCommits: () => counter.take(),
    async stop() {
      await closeServer(server);
      await boss.stop({ graceful: false, close: true, timeout: 1000 });
      await pool.end();
    },
  };
}

async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

/** Watches the writer's transactions through its pool: how many, how many events each, how long. */
class CommitCounter {
  private commits = 0;
  private events = 0;
  private commitMs: number[] = [];
  private readonly wrapped = new WeakSet<PoolClient>();

  wrap(pool: Pool): Pool {
    return new Proxy(pool, {
      get: (target, prop, receiver) => {
        if (prop !== 'connect') return Reflect.get(target, prop, receiver);
        return async () => {
          const client = await target.connect();
          this.instrument(client);
          return client;
        };
      },
    });
  }

  take(): WriterCommits {
    const taken = { commits: this.commits, events: this.events, commitMs: this.commitMs };
    this.commits = 0;
    this.events = 0;
    this.commitMs = [];
    return taken;
  }

  private instrument(client: PoolClient): void {
    if (this.wrapped.has(client)) return;
    this.wrapped.add(client);
    const original = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    let began = 0;
    const watched = (...args: unknown[]) => {
      const [text, values] = args;
      if (text === 'BEGIN') began = performance.now();
      if (typeof text === 'string' && text.includes('INSERT INTO webhook_events') && Array.isArray(values)) {
        const types = values[0];
        this.events += Array.isArray(types) ? types.length : 0;
      }
      const result = original(...args);
      if (text === 'COMMIT') {
        return result.then((r) => {
          this.commits += 1;
          this.commitMs.push(performance.now() - began);
          return r;
        });
      }
      return result;
    };
    client.query = watched as unknown as PoolClient['query'];
  }
}
