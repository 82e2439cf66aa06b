import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RequestHandler, Router } from 'express';
import type { Logger } from '../logger.js';
import { type OpsCredentials, opsAuth } from './ops-auth.js';
import type { OpsMetrics } from './prometheus-metrics.js';

export interface OpsRoutesOptions {
  /** Null: the ops surface is off and every path of it answers 404 (see resolveOpsCredentials). */
  readonly credentials: OpsCredentials | null;
  readonly metrics?: OpsMetrics;
  /** Further ops routers (safety switch, job dashboard), mounted under /ops behind the login. */
  readonly routers?: readonly Router[];
  readonly logger?: Logger;
  /** For tests: the login's clock (lockouts) and thresholds. */
  readonly auth?: { readonly now?: () => number; readonly freeFailures?: number };
}

/**
 * /ops/* and /metrics, behind the ops login. Without credentials the router mounts nothing, so these paths fall
 * through to the 404 of every unknown route (nothing tells a scanner that they exist).
 */
export function opsRoutes(options: OpsRoutesOptions): Router {
  const router = Router();
  if (options.credentials === null) return router;
  const guard = opsAuth({
    credentials: options.credentials,
    ...(options.logger ? { logger: options.logger } : {}),
    ...options.auth,
  });
  router.use(['/ops', '/metrics'], guard);
  if (options.metrics) router.get('/metrics', metricsHandler(options.metrics));
  router.get('/ops', (_req, res) => {
    res.json({
      ops: true,
      metrics: options.metrics ? '/metrics' : null,
      jobs: '/ops/jobs',
      deadLetters: '/ops/dead-letters',
      dialling: '/ops/dialling',
    });
  });
  for (const mounted of options.routers ?? []) router.use('/ops', mounted);
  return router;
}

/** The Prometheus text exposition. */
export function metricsHandler(metrics: OpsMetrics): RequestHandler {
  return async (_req, res, next) => {
    try {
      const text = await metrics.render();
      res.setHeader('Content-Type', metrics.contentType);
      res.setHeader('Cache-Control', 'no-store');
      res.send(text);
    } catch (error) {
      next(error);
    }
  };
}

/**
 * METRICS_PORT: /metrics alone, without login, on 127.0.0.1 (for a Prometheus agent on the same host, and for
 * worker processes, which serve no other HTTP). Anything else there is a 404.
 */
export async function startMetricsServer(
  metrics: OpsMetrics,
  port: number,
  logger: Logger,
): Promise<{ readonly url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics
      .render()
      .then((text) => res.writeHead(200, { 'Content-Type': metrics.contentType }).end(text))
      .catch((err: unknown) => {
        logger.error({ err }, 'metrics scrape failed');
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics failed\n');
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  logger.info({ url }, 'metrics served without login on loopback (METRICS_PORT)');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
