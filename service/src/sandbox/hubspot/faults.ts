import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { unitFor } from '../deterministic.js';
import { sendPage } from '../http-server.js';
import { type HubSpotContext, PortalState } from './state.js';

/**
 * Fault switches of the fake HubSpot, for its API routes (a portal's token): 429 storms with HubSpot's rate-limit
 * body (and a Retry-After, unless set to 0), 5xx on writes before or after the write is applied, and slow answers.
 * Each rule fires for its `next` N requests, then for a `fraction` of the rest (decided from the seed and the
 * request's number, so a run misbehaves the same way each time). Set at run time with
 * POST /__sandbox/hubspot/faults; every fault that fires is in GET /__sandbox/hubspot/fault-log.
 */

const rule = z.object({
  fraction: z.number().min(0).max(1).default(0),
  next: z.number().int().min(0).default(0),
});
type Rule = z.output<typeof rule>;

export const HUBSPOT_FAULT_KINDS = [
  /** Any API request is answered 429 with the TEN_SECONDLY_ROLLING body. */
  'rateLimit',
  /** A write is answered with a 5xx and not applied. */
  'serverErrorBeforeWrite',
  /** A write is applied, then answered with a 5xx: the caller cannot know it landed. */
  'serverErrorAfterWrite',
] as const;
export type HubSpotFaultKind = (typeof HUBSPOT_FAULT_KINDS)[number];

export const hubspotFaultSettingsSchema = z
  .object({
    rateLimit: rule,
    serverErrorBeforeWrite: rule,
    serverErrorAfterWrite: rule,
    /** The Retry-After of a rateLimit answer, in seconds; 0 sends none (HubSpot's usual 429). */
    retryAfterSeconds: z.number().int().min(0).max(600),
    serverErrorStatus: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
    /** Every API request waits this long before it is handled. */
    responseDelayMs: z.number().int().min(0).max(600_000),
  })
  .partial();
export type HubSpotFaultSettings = z.input<typeof hubspotFaultSettingsSchema>;

export interface HubSpotFaultState {
  readonly rules: Record<HubSpotFaultKind, Rule>;
  retryAfterSeconds: number;
  serverErrorStatus: 500 | 502 | 503 | 504;
  responseDelayMs: number;
}

export function noHubSpotFaults(): HubSpotFaultState {
  return {
    rules: {
      rateLimit: { fraction: 0, next: 0 },
      serverErrorBeforeWrite: { fraction: 0, next: 0 },
      serverErrorAfterWrite: { fraction: 0, next: 0 },
    },
    retryAfterSeconds: 2,
    serverErrorStatus: 502,
    responseDelayMs: 0,
  };
}

export function applyHubSpotFaultSettings(state: HubSpotFaultState, settings: HubSpotFaultSettings): void {
  const parsed = hubspotFaultSettingsSchema.parse(settings);
  for (const kind of HUBSPOT_FAULT_KINDS) {
    const given = parsed[kind];
    if (given) state.rules[kind] = { ...given };
  }
  if (parsed.retryAfterSeconds !== undefined) state.retryAfterSeconds = parsed.retryAfterSeconds;
  if (parsed.serverErrorStatus !== undefined) state.serverErrorStatus = parsed.serverErrorStatus;
  if (parsed.responseDelayMs !== undefined) state.responseDelayMs = parsed.responseDelayMs;
}

const describe = (state: HubSpotFaultState) => ({
  ...state.rules,
  retryAfterSeconds: state.retryAfterSeconds,
  serverErrorStatus: state.serverErrorStatus,
  responseDelayMs: state.responseDelayMs,
});

export interface HubSpotFaultLogEntry {
  readonly at: string;
  readonly atMs: number;
  readonly fault: HubSpotFaultKind;
  readonly method: string;
  readonly path: string;
  readonly portalId: number | null;
  readonly status: number;
  readonly retryAfterMs: number | null;
  /** The caller's User-Agent: which process of the service was told to wait. */
  readonly client: string | null;
}

/** POST, PATCH, PUT and DELETE, except the POSTs that only read (searches, batch reads). */
export function isWrite(req: Request): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return false;
  return !/\/(search|batch\/read)$/.test(req.path);
}

/** GET/POST/DELETE /__sandbox/hubspot/faults and GET /__sandbox/hubspot/fault-log. */
export function hubspotFaultRoutes(state: HubSpotFaultState, log: readonly HubSpotFaultLogEntry[]): Router {
  const router = Router();
  const base = '/__sandbox/hubspot';
  router.get(`${base}/faults`, (_req, res) => res.json(describe(state)));
  router.post(`${base}/faults`, (req, res) => {
    const parsed = hubspotFaultSettingsSchema.safeParse(req.body ?? {});
    if (!parsed.success) return res.status(400).json({ error: z.prettifyError(parsed.error) });
    applyHubSpotFaultSettings(state, parsed.data);
    return res.json(describe(state));
  });
  router.delete(`${base}/faults`, (_req, res) => {
    Object.assign(state, noHubSpotFaults());
    res.json(describe(state));
  });
  router.get(`${base}/fault-log`, (req, res) => sendPage(res, log, req.query));
  return router;
}

/**
 * In front of the API routes, behind authentication (so the portal is known): waits `responseDelayMs`, then
 * answers a 429 or a 5xx when a fault fires, or lets the write through and turns its answer into a 5xx.
 */
export function hubspotFaults(
  ctx: HubSpotContext,
  state: HubSpotFaultState,
  seed: number,
  log: HubSpotFaultLogEntry[],
  stopping: AbortSignal,
) {
  let requests = 0;
  const fires = (kind: HubSpotFaultKind, n: number) => {
    const r = state.rules[kind];
    if (r.next > 0) {
      r.next -= 1;
      return true;
    }
    return r.fraction > 0 && unitFor(seed, 'hubspot-fault', kind, n) < r.fraction;
  };
  return async (req: Request, res: Response, next: NextFunction) => {
    const n = requests++;
    if (state.responseDelayMs > 0) {
      const stopped = await delay(state.responseDelayMs, false, { signal: stopping }).catch(() => true);
      if (stopped) return void res.destroy();
    }
    const portal: unknown = res.locals.portal;
    const logged = (fault: HubSpotFaultKind, status: number, retryAfterMs: number | null = null) => {
      const atMs = ctx.clock.now();
      log.push({
        at: new Date(atMs).toISOString(),
        atMs,
        fault,
        method: req.method,
        path: req.path,
        portalId: portal instanceof PortalState ? portal.portal.portalId : null,
        status,
        retryAfterMs,
        client: req.get('user-agent') ?? null,
      });
    };
    if (fires('rateLimit', n)) {
      const seconds = state.retryAfterSeconds;
      logged('rateLimit', 429, seconds > 0 ? seconds * 1000 : null);
      if (seconds > 0) res.set('Retry-After', String(seconds));
      return void res.status(429).json(RATE_LIMIT_BODY());
    }
    if (!isWrite(req)) return next();
    const status = state.serverErrorStatus;
    if (fires('serverErrorBeforeWrite', n)) {
      logged('serverErrorBeforeWrite', status);
      return void res.status(status).json(serverErrorBody(status));
    }
    if (fires('serverErrorAfterWrite', n)) {
      logged('serverErrorAfterWrite', status);
      failAfterApplying(res, status);
    }
    return next();
  };
}

/** HubSpot's exact 429 body (no `category`; the SDK's retry decorator keys on policyName). */
const RATE_LIMIT_BODY = () => ({
  status: 'error',
  message: 'You have reached your ten_secondly_rolling limit.',
  errorType: 'RATE_LIMIT',
  correlationId: randomUUID(),
  policyName: 'TEN_SECONDLY_ROLLING',
  groupName: 'publicapi',
});

const serverErrorBody = (status: number) => ({
  status: 'error',
  message: status === 502 || status === 504 ? 'Bad Gateway' : 'internal error',
  correlationId: randomUUID(),
  category: 'INTERNAL_ERROR',
});

/** Lets the route apply the write, then replaces its success answer (JSON or empty) with the 5xx. */
function failAfterApplying(res: Response, status: number): void {
  const json = res.json.bind(res);
  const end = res.end.bind(res) as (body?: string) => Response;
  res.json = (body: unknown) => {
    if (res.statusCode >= 300) return json(body);
    res.status(status);
    return json(serverErrorBody(status));
  };
  res.end = ((...args: unknown[]) => {
    if (!res.headersSent && res.statusCode < 300) {
      res.status(status).type('application/json').removeHeader('content-length');
      return end(JSON.stringify(serverErrorBody(status)));
    }
    return end(...(args as [string?]));
  }) as typeof res.end;
}
