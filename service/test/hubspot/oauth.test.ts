import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HubSpotApiError } from '../../src/hubspot/errors.js';
import { HUBSPOT, testClients } from './helpers.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

const FORM = 'application/x-www-form-urlencoded';

/** The token endpoint must see exactly these form fields, form-encoded, and no bearer token. */
function tokenEndpoint(fields: Record<string, string>) {
  return nock(HUBSPOT, { badheaders: ['authorization'] })
    .matchHeader('content-type', FORM)
    .post('/oauth/v1/token', (body: unknown) => JSON.stringify(body) === JSON.stringify(fields));
}

describe('HubSpot OAuth', () => {
  it('exchanges an authorization code (form-encoded) for tokens that expire in expires_in seconds', async () => {
    const clients = testClients();
    const now = clients.clock.now();
    tokenEndpoint({
      grant_type: 'authorization_code',
      client_id: 'client-id-1',
      client_secret: 'client-secret-1',
      redirect_uri: 'https://api.example.org/oauth/callback',
      code: 'code-abc',
    }).reply(200, {
      token_type: 'bearer',
      refresh_token: 'refresh-1',
      access_token: 'access-1',
      expires_in: 1800,
      hub_id: 44556677,
    });
    const tokens = await clients.oauth?.exchangeCode('code-abc', 'https://api.example.org/oauth/callback');
    expect(tokens).toEqual({
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
      expiresAt: new Date(now + 1_800_000),
      hubId: 44556677,
    });
  });

  it('sends the exact form string HubSpot expects', async () => {
    const clients = testClients();
    nock(HUBSPOT)
      .post(
        '/oauth/v1/token',
        'grant_type=refresh_token&client_id=client-id-1&client_secret=client-secret-1&refresh_token=refresh+%2F1',
      )
      .reply(200, {
        token_type: 'bearer',
        refresh_token: 'refresh /1',
        access_token: 'access-2',
        expires_in: 1800,
      });
    const tokens = await clients.oauth?.refresh('refresh /1');
    expect(tokens).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh /1' });
    expect(tokens?.hubId).toBeUndefined();
  });

  it('refreshes with grant_type=refresh_token', async () => {
    const clients = testClients();
    const now = clients.clock.now();
    tokenEndpoint({
      grant_type: 'refresh_token',
      client_id: 'client-id-1',
      client_secret: 'client-secret-1',
      refresh_token: 'refresh-1',
    }).reply(200, {
      token_type: 'bearer',
      refresh_token: 'refresh-1',
      access_token: 'access-3',
      expires_in: 1800,
    });
    await expect(clients.oauth?.refresh('refresh-1')).resolves.toEqual({
      accessToken: 'access-3',
      refreshToken: 'refresh-1',
      expiresAt: new Date(now + 1_800_000),
    });
  });

  it('surfaces a revoked refresh token as a HubSpotApiError without retrying', async () => {
    nock(HUBSPOT).post('/oauth/v1/token').once().reply(400, {
      status: 'BAD_REFRESH_TOKEN',
      message: 'missing or unknown refresh token',
      correlationId: 'corr-oauth',
    });
    const error = await testClients()
      .oauth?.refresh('gone')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotApiError);
    expect(error).toMatchObject({
      status: 400,
      category: 'BAD_REFRESH_TOKEN',
      message: 'missing or unknown refresh token',
    });
  });

  it('reads which portal, scopes and installing user a token belongs to', async () => {
    nock(HUBSPOT)
      .get('/oauth/v1/access-tokens/access-1')
      .reply(200, {
        token: 'access-1',
        user: 'ada@charity.org',
        hub_domain: 'charity.org',
        scopes: ['oauth', 'crm.objects.contacts.read'],
        hub_id: 44556677,
        app_id: 22558790,
        expires_in: 1754,
        user_id: 1234567,
        token_type: 'access',
      });
    await expect(testClients().oauth?.getTokenInfo('access-1')).resolves.toEqual({
      hubId: 44556677,
      scopes: ['oauth', 'crm.objects.contacts.read'],
      appId: 22558790,
      hubDomain: 'charity.org',
      userId: 1234567,
    });
  });

  it('keeps the token out of the error when the token-info call fails', async () => {
    nock(HUBSPOT)
      .get('/oauth/v1/access-tokens/secret-token')
      .reply(404, { status: 'error', message: 'not found' });
    const error = await testClients()
      .oauth?.getTokenInfo('secret-token')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404, path: '/oauth/v1/access-tokens/{token}' });
    expect(JSON.stringify(error)).not.toContain('secret-token');
  });
});
