import { createDashboardHandler, type DashboardHandler } from '@pg-boss/dashboard/handler';
import { Router } from 'express';
import { fetchBridge } from '../http/fetch-bridge.js';
import type { Logger } from '../logger.js';

/** Where the dashboard is served. Its links, assets and redirects carry this prefix (its `basePath`). */
export const JOB_DASHBOARD_PATH = '/ops/jobs';

/** The dashboard's forms are a few fields (an intent and a job id, a queue's settings): nothing near this. */
const MAX_BODY_BYTES = 256 * 1024;

export interface JobDashboardOptions {
  /** The service's database; pg-boss's tables are in it. */
  readonly databaseUrl: string;
  /** The pg-boss schema (jobs/boss.ts). */
  readonly schema: string;
  /**
   * Hosts (`host[:port]`, no scheme) whose pages may post the dashboard's actions although the request reached
   * us under another Host (a proxy in between). Read at the first request, once the service listens (PORT=0).
   */
  readonly actionHosts: () => readonly string[];
  readonly logger: Logger;
}

export interface JobDashboard {
  /** Mount under /ops, behind the ops login (opsRoutes' `routers`): it answers /ops/jobs and below. */
  readonly router: Router;
  /** Releases the dashboard's database pools; requests after it answer 503. */
  close(): Promise<void>;
}

/**
 * The official pg-boss dashboard (`@pg-boss/dashboard`), mounted through its Fetch-style handler rather than its
 * standalone server (which listens on every interface, with a login of its own).
 *
 * Its own login stays off (`auth: false`): ops are already past the ops login, and a second prompt for another
 * credential would only confuse. The ops login's Authorization header is not passed on: the dashboard has no use
 * for it. Its actions keep React Router's CSRF check: a form post is accepted when its Origin is the URL the
 * request was addressed to, or one of `actionHosts` (named hosts, never a wildcard).
 */
export function createJobDashboard(options: JobDashboardOptions): JobDashboard {
  let handler: DashboardHandler | null = null;
  let closed = false;
  // Created at the first request: the hosts include the port the service got, known only once it listens. The
  // dashboard loads its server bundle (React, React Router) and opens its pools at that request too.
  const dashboard = (): DashboardHandler => {
    handler ??= createDashboardHandler({
      databases: [{ url: options.databaseUrl, schema: options.schema, name: 'fundraising' }],
      basePath: JOB_DASHBOARD_PATH,
      auth: false,
      allowedActionOrigins: [...new Set(options.actionHosts())],
    });
    return handler;
  };
  const bridge = fetchBridge(dashboard, {
    maxBodyBytes: MAX_BODY_BYTES,
    dropRequestHeaders: ['authorization'],
    logger: options.logger,
  });

  const router = Router();
  router.use((req, res, next) => {
    // Mounted under /ops: its pages, assets and React Router's data requests (/ops/jobs.data, /ops/jobs/x.data).
    if (req.path !== '/jobs' && req.path !== '/jobs.data' && !req.path.startsWith('/jobs/')) return next();
    if (closed) {
      res.status(503).type('text/plain').send('the job dashboard has stopped\n');
      return;
    }
    bridge(req, res, next);
  });

  return {
    router,
    close: async () => {
      closed = true;
      await handler?.close();
    },
  };
}

/**
 * The hosts the dashboard's actions may come from besides the one a request was addressed to: PUBLIC_URL's (a
 * TLS proxy in front usually forwards with its own Host) and the service's own addresses, so a page opened at
 * one of them may post to another.
 */
export function dashboardActionHosts(publicUrl: string | undefined, port: number, host?: string): string[] {
  const hosts = publicUrl === undefined ? [] : [new URL(publicUrl).host];
  hosts.push(`localhost:${port}`, `127.0.0.1:${port}`);
  if (host !== undefined && host !== '0.0.0.0' && host !== '::') {
    hosts.push(host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
  }
  return [...new Set(hosts)];
}
