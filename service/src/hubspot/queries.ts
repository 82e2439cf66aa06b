import { sql } from '../db/statement.js';

/** SQL of the HubSpot credentials, each statement with the row it returns and the parameters it takes. */

/** Creates the portal as an OAuth tenant; an existing portal stays as it is. */
export const INSERT_OAUTH_PORTAL = sql<never, [portalId: number]>(
  `INSERT INTO portals (portal_id, auth_kind) VALUES ($1, 'oauth') ON CONFLICT (portal_id) DO NOTHING`,
);

/** Stores a portal's tokens from an install, replacing any stored before. Tokens are encrypted. */
export const SAVE_CREDENTIALS = sql<
  never,
  [
    portalId: number,
    accessTokenEnc: Buffer,
    refreshTokenEnc: Buffer,
    expiresAt: Date,
    scopes: readonly string[],
  ]
>(`INSERT INTO portal_credentials (portal_id, access_token_enc, refresh_token_enc, expires_at, scopes)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (portal_id) DO UPDATE SET
           access_token_enc = EXCLUDED.access_token_enc, refresh_token_enc = EXCLUDED.refresh_token_enc,
           expires_at = EXCLUDED.expires_at, scopes = EXCLUDED.scopes, updated_at = now()`);

/** How long this transaction waits for a lock (e.g. '60000ms') before failing. */
export const SET_LOCK_TIMEOUT = sql<{ set_config: string }, [lockTimeout: string]>(
  `SELECT set_config('lock_timeout', $1, true)`,
);

/**
 * A portal's stored tokens and whether it is still connected; forUpdate locks the credentials row (not the portal's)
 * until the transaction ends, while one refreshes them.
 */
export const loadCredentials = (forUpdate: boolean) =>
  sql<
    { access_token_enc: Buffer; refresh_token_enc: Buffer; expires_at: Date; status: string },
    [portalId: number]
  >(
    `SELECT c.access_token_enc, c.refresh_token_enc, c.expires_at, p.status
       FROM portal_credentials c JOIN portals p USING (portal_id)
      WHERE c.portal_id = $1
       ${forUpdate ? 'FOR UPDATE OF c' : ''}`,
  );

/** How a portal is served: 'oauth', 'private_app' or 'sandbox'; no row for a portal that never connected. */
export const PORTAL_AUTH_KIND = sql<{ auth_kind: string }, [portalId: number]>(
  'SELECT auth_kind FROM portals WHERE portal_id = $1',
);

/** Stores refreshed tokens. Tokens are encrypted. */
export const UPDATE_TOKENS = sql<
  never,
  [portalId: number, accessTokenEnc: Buffer, refreshTokenEnc: Buffer, expiresAt: Date]
>(`UPDATE portal_credentials
            SET access_token_enc = $2, refresh_token_enc = $3, expires_at = $4, updated_at = now()
          WHERE portal_id = $1`);
