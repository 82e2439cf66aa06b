import { type Clock, systemClock } from '../core/clock.js';
import type { Logger } from '../logger.js';
import { createOAuthClient } from './oauth.js';
import { createPortalClient } from './portal-client.js';
import { PortalRateLimiter, type RateLimitOptions } from './rate-limiter.js';
import { DEFAULT_RETRY, type RetryOptions } from './retry.js';
import { HubSpotTransport } from './transport.js';
import type { HubSpotOAuth, HubSpotPortalClient, TokenProvider } from './types.js';

export const DEFAULT_HUBSPOT_BASE_URL = 'https://api.hubapi.com';
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** The token endpoint is not a portal's API: its calls queue on their own. */
const OAUTH_LIMITER_KEY = 'oauth';

interface SharedOptions {
  /** https://api.hubapi.com, or the sandbox's fake HubSpot. */
  readonly baseUrl?: string;
  readonly logger: Logger;
  /** Per portal; default 100 requests per 10 s. */
  readonly limits?: Partial<RateLimitOptions>;
  readonly retry?: Partial<RetryOptions>;
  /** Injectable for tests: the limiter's window and every retry wait run on it. */
  readonly clock?: Clock;
  readonly requestTimeoutMs?: number;
  /** Global fetch unless given (a measuring one: core/metrics.ts timedFetch). */
  readonly fetch?: typeof fetch;
}

export interface HubSpotClientsOptions extends SharedOptions {
  readonly tokens: TokenProvider;
  /** The OAuth app, for multi-portal installs; absent for a private app's static token. */
  readonly oauthApp?: { readonly clientId: string; readonly clientSecret: string };
}

export interface HubSpotClients {
  /** One client per portal, cached: every call of a portal shares its limiter queue. */
  forPortal(portalId: number): HubSpotPortalClient;
  /** Undefined without an OAuth app (private-app setups). */
  readonly oauth: HubSpotOAuth | undefined;
  readonly limiter: PortalRateLimiter;
}

function resolve(options: SharedOptions) {
  return {
    baseUrl: (options.baseUrl ?? DEFAULT_HUBSPOT_BASE_URL).replace(/\/+$/, ''),
    clock: options.clock ?? systemClock,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  };
}

/**
 * OAuth on its own, for wiring a PortalTokenProvider before the clients exist:
 *   const oauth = createHubSpotOAuth({ clientId, clientSecret, logger });
 *   const tokens = new PortalTokenProvider({ pool, cipher, oauth, logger });
 *   const hubspot = createHubSpotClients({ tokens, oauthApp: { clientId, clientSecret }, logger });
 */
export function createHubSpotOAuth(
  options: SharedOptions & {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly limiter?: PortalRateLimiter;
    /**
     * The clock token lifetimes are counted on, when it is not `clock`: in sandbox mode the engine's (possibly
     * shifted or manual) time, which the fake HubSpot expires its tokens on, while waits stay in real time.
     */
    readonly now?: () => number;
  },
): HubSpotOAuth {
  const { baseUrl, clock, retry, requestTimeoutMs } = resolve(options);
  const transport = new HubSpotTransport({
    baseUrl,
    auth: { kind: 'none' },
    limiter: options.limiter ?? new PortalRateLimiter(options.limits, clock),
    limiterKey: OAUTH_LIMITER_KEY,
    retry,
    clock,
    logger: options.logger,
    requestTimeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return createOAuthClient({
    transport,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    now: options.now ?? (() => clock.now()),
  });
}

export function createHubSpotClients(options: HubSpotClientsOptions): HubSpotClients {
  const { baseUrl, clock, retry, requestTimeoutMs } = resolve(options);
  const limiter = new PortalRateLimiter(options.limits, clock);
  const clients = new Map<number, HubSpotPortalClient>();
  const { tokens, logger } = options;

  const oauth =
    options.oauthApp === undefined
      ? undefined
      : createHubSpotOAuth({ ...options, ...options.oauthApp, limiter });

  return {
    oauth,
    limiter,
    forPortal(portalId) {
      if (!Number.isSafeInteger(portalId) || portalId <= 0)
        throw new RangeError(`invalid HubSpot portal id: ${portalId}`);
      let client = clients.get(portalId);
      if (client === undefined) {
        const transport = new HubSpotTransport({
          baseUrl,
          auth: {
            kind: 'bearer',
            token: () => tokens.getAccessToken(portalId),
            onUnauthorized: () => tokens.invalidate?.(portalId),
          },
          limiter,
          limiterKey: portalId,
          retry,
          clock,
          logger: logger.child({ portalId }),
          requestTimeoutMs,
          ...(options.fetch ? { fetch: options.fetch } : {}),
        });
        client = createPortalClient(portalId, transport);
        clients.set(portalId, client);
      }
      return client;
    },
  };
}
