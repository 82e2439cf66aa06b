import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ServiceDeps } from '../core/deps.js';
import { execute, queryRow } from '../db/statement.js';
import type { AccessTokenInfo, OAuthTokens } from '../hubspot/index.js';
import type { OAuthInstall } from '../integrations.js';
import { authorizeUrl, STATE_TTL_MS, type StateVerdict, stateVerdict } from './authorize.js';
import { enqueuePortalSetup } from './portal-setup.js';
import * as q from './queries.js';

type InstallDeps = Pick<ServiceDeps, 'pool' | 'boss' | 'logger' | 'clock'>;

/** Stale states are swept this long after they expired (an hour's grace keeps the sweep from racing a slow consent). */
const STALE_STATE_GRACE_MS = 60 * 60_000;

/** Checks a returning state and deletes it, so it never works twice. */
async function useUpState(deps: InstallDeps, state: string | undefined): Promise<StateVerdict> {
  if (state === undefined) return 'unknown';
  const row = await queryRow(deps.pool, q.CONSUME_STATE, [state]);
  return stateVerdict(row && { expiresAt: row.expires_at }, deps.clock.now());
}

/** Step 1: a single-use state, and HubSpot's consent page to send the admin to. */
export async function beginInstall(
  deps: InstallDeps,
  install: OAuthInstall,
  redirectUri: string,
): Promise<string> {
  const now = deps.clock.now();
  const state = randomBytes(32).toString('base64url');
  await execute(deps.pool, q.DELETE_STALE_STATES, [new Date(now - STALE_STATE_GRACE_MS)]);
  await execute(deps.pool, q.INSERT_STATE, [state, new Date(now), new Date(now + STATE_TTL_MS)]);
  return authorizeUrl({ endpoint: install.authorizeUrl, clientId: install.clientId, redirectUri, state });
}

/** Query text HubSpot would send: no NUL, which Postgres cannot compare with (the state lookup would fail, a 500). */
const callbackText = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((text) => !text.includes('\u0000'), { error: 'expected text without NUL characters' });

/** What HubSpot's consent page sends back: a code and our state, or an error (the admin refused, ...). */
export const callbackQuerySchema = z.object({
  code: callbackText(1, 2048).optional(),
  state: callbackText(1, 512).optional(),
  error: callbackText(0, 200).optional(),
  error_description: callbackText(0, 2000).optional(),
});
export type CallbackQuery = z.infer<typeof callbackQuerySchema>;

export type InstallOutcome =
  | { readonly kind: 'connected'; readonly portalId: number; readonly accountName: string }
  /** HubSpot's consent page came back with an error: `access_denied` when the admin declined. */
  | { readonly kind: 'refused'; readonly error: string; readonly description: string | undefined }
  | { readonly kind: 'invalid_callback' }
  /** Never issued, or already used (a replayed callback). */
  | { readonly kind: 'unknown_state' }
  | { readonly kind: 'expired_state' }
  /** HubSpot did not exchange the code for tokens (a used or stale code, an outage). */
  | { readonly kind: 'exchange_failed' };

/**
 * Step 2, the callback: the state is used up whatever happens next, the code exchanged for tokens, the portal
 * found from the token (its hub_id, granted scopes and installing user), then in one transaction the tokens are
 * stored encrypted, the portal marked connected and its first-time setup queued.
 */
export async function completeInstall(
  deps: InstallDeps,
  install: OAuthInstall,
  redirectUri: string,
  query: CallbackQuery,
): Promise<InstallOutcome> {
  const state = await useUpState(deps, query.state);
  if (query.error !== undefined)
    return { kind: 'refused', error: query.error, description: query.error_description };
  if (query.code === undefined || query.state === undefined) return { kind: 'invalid_callback' };
  if (state !== 'valid') return { kind: state === 'expired' ? 'expired_state' : 'unknown_state' };

  let tokens: OAuthTokens;
  let info: AccessTokenInfo;
  try {
    tokens = await install.oauth.exchangeCode(query.code, redirectUri);
    // Also asked when the token answer names the portal: the granted scopes and the installing user come from here.
    info = await install.oauth.getTokenInfo(tokens.accessToken);
  } catch (err) {
    deps.logger.warn({ err }, 'HubSpot did not exchange the OAuth code');
    return { kind: 'exchange_failed' };
  }
  const portalId = tokens.hubId ?? info.hubId;
  await install.tokens.saveTokens(portalId, tokens, info.scopes, async (tx) => {
    await execute(tx, q.MARK_CONNECTED, [
      portalId,
      new Date(deps.clock.now()),
      info.userId ?? null,
      info.hubDomain ?? null,
    ]);
    await enqueuePortalSetup(deps.boss, tx, portalId);
  });
  deps.logger.info(
    { portalId, scopes: info.scopes, userId: info.userId },
    'HubSpot portal installed the app',
  );
  return { kind: 'connected', portalId, accountName: info.hubDomain ?? `HubSpot account ${portalId}` };
}
