import { randomBytes, randomUUID } from 'node:crypto';
import express, { type Response, Router } from 'express';
import { z } from 'zod';
import { wireNow } from '../../core/clock.js';
import { isoAt } from '../http-server.js';
import { hubspotError } from './errors.js';
import { type HubSpotContext, SANDBOX_SCOPES } from './state.js';

/**
 * OAuth as HubSpot does it: an authorize page that redirects back with a one-time code (the sandbox's stand-in
 * for app.hubspot.com/oauth/authorize), the form-encoded token endpoint for both grants, and token introspection.
 */

export const ACCESS_TOKEN_TTL_SECS = 1_800;

const tokenRequestSchema = z.object({
  grant_type: z.string(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
  redirect_uri: z.string().optional(),
  code: z.string().optional(),
  refresh_token: z.string().optional(),
});

const authorizeQuerySchema = z.object({
  client_id: z.string(),
  redirect_uri: z.url(),
  scope: z.string().optional(),
  state: z.string().optional(),
  /** Sandbox only: which portal "installs" the app; the first portal otherwise. */
  portal_id: z.coerce.number().int().optional(),
});

/** HubSpot's OAuth errors carry a specific status string instead of `error`. */
const oauthError = (res: Response, status: string, message: string) =>
  res.status(400).json({ status, message, correlationId: randomUUID() });

/** Issues a one-time authorization code for a portal, as the consent screen would. */
export function issueAuthCode(ctx: HubSpotContext, portalId: number, redirectUri: string): string {
  const code = `sandbox-code-${randomBytes(12).toString('hex')}`;
  ctx.authCodes.set(code, { portalId, redirectUri });
  return code;
}

function grant(ctx: HubSpotContext, portalId: number, refreshToken: string) {
  const accessToken = `sandbox-oauth-${randomBytes(16).toString('hex')}`;
  ctx.tokens.set(accessToken, {
    portalId,
    scopes: SANDBOX_SCOPES,
    // Token lifetimes are wire time: on an accelerated clock a 30-minute token would expire in seconds.
    expiresAtMs: wireNow(ctx.clock) + ACCESS_TOKEN_TTL_SECS * 1000,
  });
  return {
    token_type: 'bearer',
    refresh_token: refreshToken,
    access_token: accessToken,
    expires_in: ACCESS_TOKEN_TTL_SECS,
  };
}

export function hubspotOAuthRoutes(ctx: HubSpotContext): Router {
  const router = Router();
  const log = (grantType: string, portalId: number | null, outcome: string) =>
    ctx.record.oauth.push({ at: isoAt(ctx.clock.now()), grantType, portalId, outcome });

  router.get('/oauth/authorize', (req, res) => {
    const parsed = authorizeQuerySchema.safeParse(req.query);
    if (!parsed.success) return res.status(400).type('text/plain').send(z.prettifyError(parsed.error));
    const q = parsed.data;
    if (q.client_id !== ctx.clientId) return res.status(400).type('text/plain').send('Unknown client_id');
    const portalId = q.portal_id ?? [...ctx.portals.keys()][0];
    if (portalId === undefined || !ctx.portals.has(portalId))
      return res.status(400).type('text/plain').send('Unknown portal');
    const target = new URL(q.redirect_uri);
    target.searchParams.set('code', issueAuthCode(ctx, portalId, q.redirect_uri));
    if (q.state !== undefined) target.searchParams.set('state', q.state);
    return res.redirect(302, target.toString());
  });

  router.post('/oauth/v1/token', express.urlencoded({ extended: false }), (req, res) => {
    const parsed = tokenRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) return oauthError(res, 'BAD_GRANT_TYPE', 'missing grant_type');
    const body = parsed.data;
    if (body.client_id !== ctx.clientId) {
      log(body.grant_type, null, 'BAD_CLIENT_ID');
      return oauthError(res, 'BAD_CLIENT_ID', 'missing or unknown client id');
    }
    if (body.client_secret !== ctx.clientSecret) {
      log(body.grant_type, null, 'BAD_CLIENT_SECRET');
      return oauthError(res, 'BAD_CLIENT_SECRET', 'missing or invalid client secret');
    }
    if (body.grant_type === 'authorization_code') {
      const issued = body.code === undefined ? undefined : ctx.authCodes.get(body.code);
      if (!issued || body.code === undefined) {
        log(body.grant_type, null, 'BAD_AUTH_CODE');
        return oauthError(res, 'BAD_AUTH_CODE', 'missing or unknown auth code');
      }
      if (body.redirect_uri !== issued.redirectUri) {
        log(body.grant_type, issued.portalId, 'BAD_REDIRECT_URI');
        return oauthError(res, 'BAD_REDIRECT_URI', 'redirect_uri does not match initial auth code URL');
      }
      ctx.authCodes.delete(body.code);
      const refreshToken = `sandbox-refresh-${randomBytes(16).toString('hex')}`;
      ctx.refreshTokens.set(refreshToken, { portalId: issued.portalId, scopes: SANDBOX_SCOPES });
      log(body.grant_type, issued.portalId, 'granted');
      return res.json(grant(ctx, issued.portalId, refreshToken));
    }
    if (body.grant_type === 'refresh_token') {
      const known = body.refresh_token === undefined ? undefined : ctx.refreshTokens.get(body.refresh_token);
      if (!known || body.refresh_token === undefined) {
        log(body.grant_type, null, 'BAD_REFRESH_TOKEN');
        return oauthError(res, 'BAD_REFRESH_TOKEN', 'missing or unknown refresh token');
      }
      log(body.grant_type, known.portalId, 'granted');
      return res.json(grant(ctx, known.portalId, body.refresh_token));
    }
    log(body.grant_type, null, 'BAD_GRANT_TYPE');
    return oauthError(res, 'BAD_GRANT_TYPE', 'grant_type must be authorization_code or refresh_token');
  });

  router.get('/oauth/v1/access-tokens/:token', (req, res) => {
    const token = String(req.params.token);
    const info = ctx.tokens.get(token);
    const portal = info ? ctx.portals.get(info.portalId) : undefined;
    const remaining =
      info?.expiresAtMs == null ? 315_360_000 : Math.floor((info.expiresAtMs - wireNow(ctx.clock)) / 1000);
    if (!info || !portal || remaining <= 0)
      return hubspotError(res, 404, 'OBJECT_NOT_FOUND', 'Token not found');
    return res.json({
      token,
      user: 'sandbox-admin@example.org',
      hub_domain: portal.portal.domain,
      scopes: info.scopes,
      hub_id: info.portalId,
      app_id: 1_000_001,
      expires_in: remaining,
      user_id: 1,
      token_type: 'access',
    });
  });

  router.get('/oauth/v1/refresh-tokens/:token', (req, res) => {
    const token = String(req.params.token);
    const info = ctx.refreshTokens.get(token);
    const portal = info ? ctx.portals.get(info.portalId) : undefined;
    if (!info || !portal) return hubspotError(res, 404, 'OBJECT_NOT_FOUND', 'Token not found');
    return res.json({
      token,
      user: 'sandbox-admin@example.org',
      hub_domain: portal.portal.domain,
      scopes: info.scopes,
      hub_id: info.portalId,
      client_id: ctx.clientId,
      user_id: 1,
      token_type: 'refresh',
    });
  });

  router.delete('/oauth/v1/refresh-tokens/:token', (req, res) => {
    ctx.refreshTokens.delete(String(req.params.token));
    return res.status(204).end();
  });

  return router;
}
