import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { wireNow } from '../../core/clock.js';
import type { Logger } from '../../logger.js';
import type { DemoPortal } from '../demo-portal.js';
import { listenOnLoopback, type SandboxClock, systemClock } from '../http-server.js';
import { hubspotActivityRoutes } from './activity-routes.js';
import { hubspotCallsRoutes } from './calls-routes.js';
import {
  type ContactChangeResult,
  ContactWebhooks,
  contactWebhookRoutes,
  type WebhookEvent,
} from './contact-webhooks.js';
import { hubspotCrmRoutes } from './crm-routes.js';
import { hubspotError } from './errors.js';
import {
  applyHubSpotFaultSettings,
  type HubSpotFaultLogEntry,
  type HubSpotFaultSettings,
  hubspotFaultRoutes,
  hubspotFaults,
  noHubSpotFaults,
} from './faults.js';
import { hubspotOAuthRoutes, issueAuthCode } from './oauth-routes.js';
import { hubspotPropertyRoutes } from './property-routes.js';
import { sandboxRecordRoutes } from './sandbox-routes.js';
import { type SignedCall, sendSignedCall, signedCallRoutes, signServiceCall } from './signed-calls.js';
import {
  type HubSpotContext,
  type HubSpotRecord,
  PortalState,
  RollingWindowLimiter,
  SANDBOX_SCOPES,
  type WebhookDeliveryRecord,
} from './state.js';
import {
  enrolInWorkflow,
  type WorkflowEnrolment,
  type WorkflowExecution,
  workflowRoutes,
} from './workflow-routes.js';

/**
 * A fake HubSpot on loopback: the real @hubspot/api-client (`basePath`) talks to it unchanged. Bearer tokens map
 * to portals, each portal has HubSpot's ten-secondly rolling limit with the real 429 body, and everything
 * received is recorded at /__sandbox/hubspot/… .
 */

export interface FakeHubSpotOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Per portal, on a rolling window; false turns it off. HubSpot's OAuth-app default is 110 per 10 s. */
  readonly rateLimit?: { max: number; windowMs: number } | false;
  readonly portals: readonly DemoPortal[];
  readonly clock?: SandboxClock;
  /**
   * How long a new object stays out of CRM search results. HubSpot indexes with a delay of seconds; 0 (the
   * default) answers from everything created so far.
   */
  readonly searchLagMs?: number;
  /** Decides which requests a fault with a `fraction` picks: the same seed, the same requests. */
  readonly seed?: number;
  readonly port?: number;
  readonly logger: Logger;
}

export interface FakeHubSpot {
  readonly url: string;
  readonly record: HubSpotRecord;
  /** Every fault that fired (429 storms, 5xx on writes), in order. */
  readonly faultLog: readonly HubSpotFaultLogEntry[];
  setFaults(settings: HubSpotFaultSettings): void;
  resetFaults(): void;
  /** The contact's properties now (computed base + writes), or undefined. */
  contact(portalId: number, contactId: string): Record<string, string | null> | undefined;
  /**
   * Changes a contact as a HubSpot user would and sends the service a `contact.propertyChange` webhook per value
   * that changed (resolves once the service answered, retries included).
   */
  changeContact(
    portalId: number,
    contactId: string,
    properties: Record<string, string | null>,
  ): Promise<ContactChangeResult>;
  /** Deletes a contact (`privacy`: a GDPR delete) and sends the service the deletion webhook(s). */
  deleteContact(
    portalId: number,
    contactId: string,
    options?: { privacy?: boolean },
  ): Promise<ContactChangeResult>;
  /** Sends webhook events as they are, signed, 100 per request (tests of odd or foreign events). */
  sendWebhookEvents(events: readonly WebhookEvent[]): Promise<WebhookDeliveryRecord[]>;
  /** A one-time OAuth code for a portal, as if its admin had just installed the app. */
  issueAuthCode(portalId: number, redirectUri: string): string;
  /** Where the service under test listens (its PUBLIC_URL): HubSpot's calls to it go there. */
  setServiceUrl(url: string): void;
  /** A request to the service signed as HubSpot signs it (v3); `caller` adds the card proxy's query parameters. */
  signServiceCall(call: Parameters<typeof signServiceCall>[2]): SignedCall;
  /** Signs and sends it, as hubspot.fetch would. */
  callService(call: Parameters<typeof signServiceCall>[2]): Promise<{ status: number; body: unknown }>;
  /** Enrols contacts into a workflow running the app's "Place AI call" action: one signed execution each. */
  enrolInWorkflow(enrolment: WorkflowEnrolment): Promise<WorkflowExecution[]>;
  stop(): Promise<void>;
}

const UNAUTHENTICATED = new Set(['/oauth/authorize', '/oauth/v1/token']);
const isPublic = (path: string) =>
  UNAUTHENTICATED.has(path) ||
  path.startsWith('/oauth/v1/access-tokens/') ||
  path.startsWith('/oauth/v1/refresh-tokens/') ||
  path.startsWith('/__sandbox');

function authenticate(ctx: HubSpotContext, limiter: RollingWindowLimiter | null) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (isPublic(req.path)) return next();
    const header = req.get('authorization') ?? '';
    const token = /^Bearer (.+)$/i.exec(header)?.[1]?.trim();
    if (!token) {
      return hubspotError(
        res,
        401,
        'INVALID_AUTHENTICATION',
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
      );
    }
    const info = ctx.tokens.get(token);
    const portal = info ? ctx.portals.get(info.portalId) : undefined;
    if (!info || !portal) {
      return hubspotError(
        res,
        401,
        'INVALID_AUTHENTICATION',
        'The OAuth token used to make this call is invalid.',
      );
    }
    // Token lifetimes and the rate limit's window are wire time (real time on an accelerated clock).
    const now = wireNow(ctx.clock);
    if (info.expiresAtMs !== null && now >= info.expiresAtMs) {
      const ago = Math.floor((now - info.expiresAtMs) / 1000);
      return hubspotError(
        res,
        401,
        'EXPIRED_AUTHENTICATION',
        `The OAuth token used to make this call expired ${ago} second(s) ago.`,
      );
    }
    res.locals.portal = portal;
    if (limiter) {
      const remaining = limiter.take(portal.portal.portalId, now);
      res.set({
        'X-HubSpot-RateLimit-Max': String(limiter.max),
        'X-HubSpot-RateLimit-Remaining': String(Math.max(0, remaining)),
        'X-HubSpot-RateLimit-Interval-Milliseconds': String(limiter.windowMs),
      });
      if (remaining < 0) {
        ctx.record.rateLimited.push({
          at: new Date(ctx.clock.now()).toISOString(),
          portalId: portal.portal.portalId,
          method: req.method,
          path: req.path,
        });
        // HubSpot's exact body: no `category` here, and the SDK's retry decorator keys on policyName.
        return res.status(429).json({
          status: 'error',
          message: 'You have reached your ten_secondly_rolling limit.',
          errorType: 'RATE_LIMIT',
          correlationId: randomUUID(),
          policyName: 'TEN_SECONDLY_ROLLING',
          groupName: 'publicapi',
        });
      }
    }
    return next();
  };
}

/** Records every request with the status it got, once the response is sent. */
function recordRequests(ctx: HubSpotContext) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith('/__sandbox')) return next();
    const atMs = ctx.clock.now();
    const entry = {
      at: new Date(atMs).toISOString(),
      atMs,
      method: req.method,
      path: req.path,
      portalId: null as number | null,
      status: 0,
      client: req.get('user-agent') ?? null,
      retryAfterMs: null as number | null,
    };
    ctx.record.requests.push(entry);
    res.on('finish', () => {
      const portal: unknown = res.locals.portal;
      entry.portalId = portal instanceof PortalState ? portal.portal.portalId : null;
      entry.status = res.statusCode;
      const retryAfter = Number(res.get('Retry-After'));
      if (retryAfter > 0) entry.retryAfterMs = retryAfter * 1000;
    });
    next();
  };
}

export async function startFakeHubSpot(options: FakeHubSpotOptions): Promise<FakeHubSpot> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger.child({ component: 'sandbox-hubspot' });
  const portals = new Map(options.portals.map((p) => [p.portalId, new PortalState(p)]));
  let objectId = 52_000_000_000;
  const ctx: HubSpotContext = {
    portals,
    tokens: new Map(
      options.portals.map((p) => [
        p.accessToken,
        { portalId: p.portalId, scopes: SANDBOX_SCOPES, expiresAtMs: null },
      ]),
    ),
    refreshTokens: new Map(),
    authCodes: new Map(),
    record: {
      requests: [],
      rateLimited: [],
      propertyWrites: [],
      schemaChanges: [],
      calls: [],
      appEvents: [],
      callbackCompletions: [],
      oauth: [],
      webhookDeliveries: [],
    },
    clock,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    searchLagMs: options.searchLagMs ?? 0,
    nextObjectId: () => String(++objectId),
  };
  const rate = options.rateLimit ?? { max: 110, windowMs: 10_000 };
  const limiter = rate === false ? null : new RollingWindowLimiter(rate.max, rate.windowMs);

  const faults = noHubSpotFaults();
  const faultLog: HubSpotFaultLogEntry[] = [];
  const stopping = new AbortController();
  const app = express();
  app.disable('x-powered-by');
  app.use(recordRequests(ctx));
  app.use(sandboxRecordRoutes(ctx));
  app.use('/__sandbox/hubspot/faults', express.json());
  app.use(hubspotFaultRoutes(faults, faultLog));
  let serviceUrl: string | null = null;
  app.use(signedCallRoutes(ctx, () => serviceUrl));
  app.use(workflowRoutes(ctx, () => serviceUrl));
  app.use(hubspotOAuthRoutes(ctx));
  const webhooks = new ContactWebhooks(ctx, () => serviceUrl);
  app.use(contactWebhookRoutes(webhooks));
  app.use(authenticate(ctx, limiter));
  app.use(hubspotFaults(ctx, faults, options.seed ?? 1, faultLog, stopping.signal));
  const api = Router();
  api.use(express.json({ limit: '10mb' }));
  api.use(
    hubspotCrmRoutes(ctx),
    hubspotPropertyRoutes(ctx),
    hubspotCallsRoutes(ctx),
    hubspotActivityRoutes(ctx),
  );
  app.use(api);
  app.use((req: Request, res: Response) =>
    hubspotError(res, 404, 'OBJECT_NOT_FOUND', `No route for ${req.method} ${req.path} in the sandbox.`),
  );
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof SyntaxError)
      return hubspotError(res, 400, 'VALIDATION_ERROR', `Invalid input JSON: ${err.message}`);
    logger.error({ err }, 'sandbox HubSpot route failed');
    return hubspotError(res, 500, 'INTERNAL_ERROR', 'sandbox error');
  });

  const server = await listenOnLoopback(app, options.port);
  logger.info({ url: server.url, portals: [...portals.keys()], rateLimit: rate }, 'fake HubSpot listening');
  return {
    url: server.url,
    record: ctx.record,
    faultLog,
    setFaults: (settings) => applyHubSpotFaultSettings(faults, settings),
    resetFaults: () => Object.assign(faults, noHubSpotFaults()),
    contact: (portalId, contactId) => portals.get(portalId)?.contact(contactId)?.properties,
    changeContact: (portalId, contactId, properties) =>
      webhooks.changeProperties(portalId, contactId, properties),
    deleteContact: (portalId, contactId, options) => webhooks.deleteContact(portalId, contactId, options),
    sendWebhookEvents: (events) => webhooks.send(events),
    issueAuthCode: (portalId, redirectUri) => issueAuthCode(ctx, portalId, redirectUri),
    setServiceUrl: (url) => {
      serviceUrl = url.replace(/\/+$/, '');
    },
    signServiceCall: (call) => signServiceCall(ctx, requireServiceUrl(serviceUrl), call),
    callService: (call) => sendSignedCall(signServiceCall(ctx, requireServiceUrl(serviceUrl), call)),
    enrolInWorkflow: (enrolment) => enrolInWorkflow(ctx, requireServiceUrl(serviceUrl), enrolment),
    stop: () => {
      stopping.abort();
      return server.stop();
    },
  };
}

function requireServiceUrl(url: string | null): string {
  if (url === null) throw new Error('fake HubSpot: the service URL is not set (setServiceUrl)');
  return url;
}
