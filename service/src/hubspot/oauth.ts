import { z } from 'zod';
import { type HubSpotTransport, parseResponse } from './transport.js';
import type { AccessTokenInfo, HubSpotOAuth, OAuthTokens } from './types.js';

const TOKEN_PATH = '/oauth/v1/token';

const tokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().positive(),
  hub_id: z.number().int().optional(),
});

const tokenInfoResponse = z.object({
  hub_id: z.number().int(),
  scopes: z.array(z.string()),
  app_id: z.number().int().optional(),
  hub_domain: z.string().optional(),
  /** The HubSpot user who granted the token (who installed the app). */
  user_id: z.number().int().optional(),
});

/** HubSpot's OAuth endpoints for one app (client id + secret). The transport carries no bearer token. */
export function createOAuthClient(options: {
  transport: HubSpotTransport;
  clientId: string;
  clientSecret: string;
  now: () => number;
}): HubSpotOAuth {
  const { transport, clientId, clientSecret, now } = options;

  async function token(form: Record<string, string>): Promise<OAuthTokens> {
    const requestedAt = now();
    const response = await transport.request({ method: 'POST', path: TOKEN_PATH, form });
    const body = parseResponse(tokenResponse, response, { method: 'POST', path: TOKEN_PATH });
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      // Counted from when we asked, so a slow answer errs towards refreshing early.
      expiresAt: new Date(requestedAt + body.expires_in * 1000),
      ...(body.hub_id === undefined ? {} : { hubId: body.hub_id }),
    };
  }

  return {
    exchangeCode: (code, redirectUri) =>
      token({
        grant_type: 'authorization_code',
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uri: redirectUri,
        code,
      }),

    refresh: (refreshToken) =>
      token({
        grant_type: 'refresh_token',
        client_id: clientId,
        client_secret: clientSecret,
        refresh_token: refreshToken,
      }),

    async getTokenInfo(accessToken): Promise<AccessTokenInfo> {
      const redactedPath = '/oauth/v1/access-tokens/{token}';
      const response = await transport.request({
        method: 'GET',
        path: `/oauth/v1/access-tokens/${encodeURIComponent(accessToken)}`,
        redactedPath,
      });
      const body = parseResponse(tokenInfoResponse, response, { method: 'GET', path: redactedPath });
      return {
        hubId: body.hub_id,
        scopes: body.scopes,
        ...(body.app_id === undefined ? {} : { appId: body.app_id }),
        ...(body.hub_domain === undefined ? {} : { hubDomain: body.hub_domain }),
        ...(body.user_id === undefined ? {} : { userId: body.user_id }),
      };
    },
  };
}
