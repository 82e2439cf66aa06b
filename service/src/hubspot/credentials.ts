import { type Pool, type PoolClient, type Queryable, withTransaction } from '../db/pool.js';
import { execute, queryRow, type RowOf } from '../db/statement.js';
import type { Logger } from '../logger.js';
import { HubSpotApiError } from './errors.js';
import * as q from './queries.js';
import type { TokenCipher } from './token-cipher.js';
import type { HubSpotOAuth, OAuthTokens, TokenProvider } from './types.js';

/** Refresh this long before expiry, so a token never expires between handing it out and HubSpot reading it. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/** The portal has no usable OAuth credentials: never installed, or disconnected until it installs again. */
export class PortalNotConnectedError extends Error {
  readonly portalId: number;
  constructor(
    portalId: number,
    message = `HubSpot portal ${portalId} has no stored OAuth credentials`,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PortalNotConnectedError';
    this.portalId = portalId;
  }
}

/** HubSpot refused the portal's refresh token: the app was uninstalled or its access revoked. */
export class PortalRevokedError extends PortalNotConnectedError {
  constructor(portalId: number, options?: { cause?: unknown }) {
    super(
      portalId,
      `HubSpot refused the refresh token of portal ${portalId} (uninstalled or revoked)`,
      options,
    );
    this.name = 'PortalRevokedError';
  }
}

/** What HubSpot answers a refresh with a refresh token it no longer honours: 400 BAD_REFRESH_TOKEN. */
export function isRefreshTokenRefused(err: unknown): boolean {
  return err instanceof HubSpotApiError && err.status === 400 && err.category === 'BAD_REFRESH_TOKEN';
}

/** A private app's token: one organisation, one token that does not expire. */
export function createStaticTokenProvider(accessToken: string): TokenProvider {
  return { getAccessToken: async () => accessToken };
}

type CredentialRow = RowOf<ReturnType<typeof q.loadCredentials>>;

const accessContext = (portalId: number) => `portal:${portalId}:access`;
const refreshContext = (portalId: number) => `portal:${portalId}:refresh`;

export interface PortalTokenProviderOptions {
  readonly pool: Pool;
  readonly cipher: TokenCipher;
  readonly oauth: Pick<HubSpotOAuth, 'refresh'>;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly refreshMarginMs?: number;
  /** How long a caller waits for another process's refresh of the same portal before giving up. */
  readonly lockTimeoutMs?: number;
  /**
   * Called once HubSpot refuses a portal's refresh token, before callers get a PortalRevokedError: the service
   * disconnects the portal there. Calls of one process are coalesced; another process may call it too, so it must
   * be idempotent.
   */
  readonly onRevoked?: (portalId: number, reason: string) => Promise<void>;
}

/** The reason a portal whose refresh token was refused is disconnected with (shown on its campaigns). */
export const REVOKED_REASON = 'HubSpot refused our access (the app was uninstalled or its access revoked)';

/**
 * OAuth tokens per portal, stored encrypted in portal_credentials. A token is refreshed when it expires within
 * the margin. Refreshes are serialised per portal twice over: in this process (one promise per portal), and across
 * processes by locking the portal's row (SELECT ... FOR UPDATE) for the duration of the refresh; whoever gets the
 * lock second finds the fresh token and uses it instead of refreshing again.
 */
export class PortalTokenProvider implements TokenProvider {
  private readonly cache = new Map<number, { token: string; expiresAt: number }>();
  private readonly inflight = new Map<number, Promise<string>>();
  private readonly now: () => number;
  private readonly margin: number;

  constructor(private readonly options: PortalTokenProviderOptions) {
    this.now = options.now ?? Date.now;
    this.margin = options.refreshMarginMs ?? REFRESH_MARGIN_MS;
  }

  getAccessToken(portalId: number): Promise<string> {
    const cached = this.cache.get(portalId);
    if (cached !== undefined && this.isFresh(cached.expiresAt)) return Promise.resolve(cached.token);
    let pending = this.inflight.get(portalId);
    if (pending === undefined) {
      pending = this.load(portalId).finally(() => this.inflight.delete(portalId));
      this.inflight.set(portalId, pending);
    }
    return pending;
  }

  invalidate(portalId: number): void {
    this.cache.delete(portalId);
  }

  /**
   * Stores tokens from an install (code exchange); creates the portal as an OAuth tenant if it is new.
   * `alsoInTransaction` commits with the tokens or not at all (the install marks the portal connected and queues
   * its setup there).
   */
  async saveTokens(
    portalId: number,
    tokens: OAuthTokens,
    scopes: readonly string[],
    alsoInTransaction?: (tx: PoolClient) => Promise<void>,
  ): Promise<void> {
    const { cipher } = this.options;
    await withTransaction(this.options.pool, async (client) => {
      await execute(client, q.INSERT_OAUTH_PORTAL, [portalId]);
      await execute(client, q.SAVE_CREDENTIALS, [
        portalId,
        cipher.encrypt(tokens.accessToken, accessContext(portalId)),
        cipher.encrypt(tokens.refreshToken, refreshContext(portalId)),
        tokens.expiresAt,
        [...scopes],
      ]);
      await alsoInTransaction?.(client);
    });
    this.cache.set(portalId, { token: tokens.accessToken, expiresAt: tokens.expiresAt.getTime() });
  }

  private isFresh(expiresAt: number): boolean {
    return expiresAt - this.now() > this.margin;
  }

  private async load(portalId: number): Promise<string> {
    try {
      return await this.loadOrRefresh(portalId);
    } catch (err) {
      if (!isRefreshTokenRefused(err)) throw err;
      this.cache.delete(portalId);
      this.options.logger.warn({ portalId }, 'HubSpot refused the refresh token: disconnecting the portal');
      // After the refresh transaction ended: the handler pauses campaigns on connections of its own.
      await this.options
        .onRevoked?.(portalId, REVOKED_REASON)
        .catch((handlerError: unknown) =>
          this.options.logger.error({ err: handlerError, portalId }, 'disconnecting a revoked portal failed'),
        );
      throw new PortalRevokedError(portalId, { cause: err });
    }
  }

  private async loadOrRefresh(portalId: number): Promise<string> {
    // Fast path without a lock: most of the time the stored token is still good (e.g. after a restart).
    const stored = await this.read(this.options.pool, portalId, false);
    if (this.isFresh(stored.expires_at.getTime())) return this.remember(portalId, stored);
    return withTransaction(this.options.pool, async (client) => {
      const lockTimeout = `${this.options.lockTimeoutMs ?? 60_000}ms`;
      await execute(client, q.SET_LOCK_TIMEOUT, [lockTimeout]);
      const locked = await this.read(client, portalId, true);
      // Another process may have refreshed while we waited for the lock.
      if (this.isFresh(locked.expires_at.getTime())) return this.remember(portalId, locked);
      const { cipher, logger } = this.options;
      const refreshToken = cipher.decrypt(locked.refresh_token_enc, refreshContext(portalId));
      const tokens = await this.options.oauth.refresh(refreshToken);
      await execute(client, q.UPDATE_TOKENS, [
        portalId,
        cipher.encrypt(tokens.accessToken, accessContext(portalId)),
        cipher.encrypt(tokens.refreshToken, refreshContext(portalId)),
        tokens.expiresAt,
      ]);
      logger.info({ portalId, expiresAt: tokens.expiresAt.toISOString() }, 'HubSpot access token refreshed');
      this.cache.set(portalId, { token: tokens.accessToken, expiresAt: tokens.expiresAt.getTime() });
      return tokens.accessToken;
    });
  }

  private async read(db: Queryable, portalId: number, forUpdate: boolean): Promise<CredentialRow> {
    const row = await queryRow(db, q.loadCredentials(forUpdate), [portalId]);
    if (row === undefined) throw new PortalNotConnectedError(portalId);
    // Nothing is sent to HubSpot for a disconnected portal until it installs again (which stores new tokens).
    if (row.status !== 'connected')
      throw new PortalNotConnectedError(
        portalId,
        `HubSpot portal ${portalId} is disconnected: install the app again`,
      );
    return row;
  }

  private remember(portalId: number, row: CredentialRow): string {
    const token = this.options.cipher.decrypt(row.access_token_enc, accessContext(portalId));
    this.cache.set(portalId, { token, expiresAt: row.expires_at.getTime() });
    return token;
  }
}

/**
 * Sandbox mode: the portal the sandbox connects itself at start (auth_kind 'sandbox', the demo portal; test fixtures
 * insert theirs the same way) is served with the fake's fixed token; every other portal went through the OAuth
 * install and is served from its stored, encrypted credentials, exactly as in production.
 */
export function createSandboxTokenProvider(options: {
  readonly pool: Pool;
  readonly installed: PortalTokenProvider;
  readonly fixedToken: (portalId: number) => string;
}): TokenProvider {
  // A portal's auth_kind never changes once its row exists, so the answer is remembered.
  const preConnected = new Map<number, boolean>();
  return {
    async getAccessToken(portalId) {
      let fixed = preConnected.get(portalId);
      if (fixed === undefined) {
        const row = await queryRow(options.pool, q.PORTAL_AUTH_KIND, [portalId]);
        fixed = row?.auth_kind === 'sandbox';
        if (row !== undefined) preConnected.set(portalId, fixed);
      }
      return fixed ? options.fixedToken(portalId) : options.installed.getAccessToken(portalId);
    },
    invalidate: (portalId) => options.installed.invalidate(portalId),
  };
}
