import type { Router } from 'express';
import type { PgBoss } from 'pg-boss';
import type { Pool } from '../db/pool.js';
import type { QueueDefinition } from '../jobs/queue-definition.js';
import type { Logger } from '../logger.js';
import { deadLetterRoutes } from './dead-letters.js';
import { createJobDashboard } from './job-dashboard.js';

/**
 * The ops tools under /ops, for a process that serves HTTP and has an ops login: the pg-boss job dashboard
 * (/ops/jobs) and the dead letters with their redrive (/ops/dead-letters). Mount `routers` through opsRoutes, which
 * puts the login in front of them; `close` releases the dashboard's database pools (after HTTP has stopped).
 */
export function createOpsTools(options: {
  readonly databaseUrl: string;
  readonly bossSchema: string;
  readonly boss: PgBoss;
  readonly pool: Pool;
  readonly queues: readonly QueueDefinition<unknown>[];
  /** Hosts whose pages may post ops actions (see dashboardActionHosts); read at each request. */
  readonly actionHosts: () => readonly string[];
  readonly logger: Logger;
}): { readonly routers: readonly Router[]; close(): Promise<void> } {
  const jobDashboard = createJobDashboard({
    databaseUrl: options.databaseUrl,
    schema: options.bossSchema,
    actionHosts: options.actionHosts,
    logger: options.logger,
  });
  const deadLetters = deadLetterRoutes({
    boss: options.boss,
    pool: options.pool,
    queues: options.queues,
    actionHosts: options.actionHosts,
  });
  return { routers: [jobDashboard.router, deadLetters], close: () => jobDashboard.close() };
}
