import express, { type Router } from 'express';
import type { Logger } from '../logger.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { healthRoutes, type ReadinessCheck, type ReadinessDetails } from './health-routes.js';
import { requestContext } from './request-context.js';

export interface HttpAppOptions {
  readonly logger: Logger;
  readonly readiness: readonly ReadinessCheck[];
  /** Shown in /readyz's body without failing it. */
  readonly readinessDetails?: ReadinessDetails;
  /** Feature routers, mounted in order. Each one parses its own bodies (webhooks need the raw bytes). */
  readonly routers?: readonly Router[];
}

export function createHttpApp(options: HttpAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestContext(options.logger));
  app.use(healthRoutes(options.readiness, options.readinessDetails));
  for (const router of options.routers ?? []) app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
