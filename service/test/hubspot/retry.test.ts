import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../test/helpers/database.js';
import { HubSpotApiError } from '../../src/hubspot/errors.js';
import { createHubSpotClients } from '../../src/hubspot/portal-client-factory.js';
import { backoffDelay, DEFAULT_RETRY, decideRetry } from '../../src/hubspot/retry.js';
import { SteppingClock } from './fake-clocks.js';
import { HUBSPOT, PORTAL_ID, staticTokens, TEN_SECONDLY_429, TOKEN, testClients } from './helpers.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

const LIST = { listId: '187', name: 'Spring donors', processingType: 'MANUAL', objectTypeId: '0-1', size: 3 };
const api = () => nock(HUBSPOT).matchHeader('authorization', `Bearer ${TOKEN}`);

async function failure(promise: Promise<unknown>): Promise<HubSpotApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof HubSpotApiError))
    throw new Error(`expected a HubSpotApiError, got ${String(error)}`);
  return error;
}

describe('HubSpot retry policy, end to end through the client', () => {
  it('waits out a TEN_SECONDLY_ROLLING 429 for the rolling window, then succeeds', async () => {
    api().get('/crm/v3/lists/187').once().reply(429, TEN_SECONDLY_429);
    api().get('/crm/v3/lists/187').once().reply(200, { list: LIST });
    const clients = testClients();
    await expect(clients.forPortal(PORTAL_ID).getList('187')).resolves.toMatchObject({ listId: '187' });
    expect(clients.clock.sleeps).toEqual([10_000]);
  });

  it('honours Retry-After on a 429', async () => {
    api().get('/crm/v3/lists/187').once().reply(429, TEN_SECONDLY_429, { 'Retry-After': '3' });
    api().get('/crm/v3/lists/187').once().reply(200, { list: LIST });
    const clients = testClients();
    await clients.forPortal(PORTAL_ID).getList('187');
    expect(clients.clock.sleeps).toEqual([3_000]);
  });

  it('waits one second after the search "secondly" limit', async () => {
    const secondly = {
      status: 'error',
      message: 'You have reached your secondly limit.',
      errorType: 'RATE_LIMIT',
    };
    api().post('/crm/v3/lists/search').once().reply(429, secondly);
    api().post('/crm/v3/lists/search').once().reply(200, { lists: [], hasMore: false, offset: 0 });
    const clients = testClients();
    await clients.forPortal(PORTAL_ID).searchLists({});
    expect(clients.clock.sleeps).toEqual([1_000]);
  });

  it('does not retry a daily-limit 429: it frees at midnight, not in seconds', async () => {
    api()
      .get('/crm/v3/lists/187')
      .once()
      .reply(429, {
        ...TEN_SECONDLY_429,
        message: 'You have reached your daily limit.',
        policyName: 'DAILY',
      });
    const error = await failure(testClients().forPortal(PORTAL_ID).getList('187'));
    expect(error).toMatchObject({ status: 429, policyName: 'DAILY', category: 'RATE_LIMIT' });
  });

  it('retries a 502 with exponential backoff, then succeeds', async () => {
    api().get('/crm/v3/lists/187').twice().reply(502, '<html>Bad Gateway</html>');
    api().get('/crm/v3/lists/187').once().reply(200, { list: LIST });
    const clients = testClients({ random: () => 0.5 });
    await expect(clients.forPortal(PORTAL_ID).getList('187')).resolves.toMatchObject({ listId: '187' });
    // 500 ms then 1,000 ms ceilings, with jitter between half and all of each (random 0.5 → three quarters).
    expect(clients.clock.sleeps).toEqual([375, 750]);
  });

  it('gives up after five attempts on a persistent 503 and says what HubSpot said', async () => {
    api().get('/crm/v3/lists/187').times(5).reply(503, {
      status: 'error',
      message: 'Service unavailable',
      correlationId: 'corr-503',
      category: 'SERVICE_UNAVAILABLE',
    });
    const clients = testClients({ random: () => 1 });
    const error = await failure(clients.forPortal(PORTAL_ID).getList('187'));
    expect(error).toMatchObject({ status: 503, message: 'Service unavailable', correlationId: 'corr-503' });
    expect(clients.clock.sleeps).toEqual([500, 1_000, 2_000, 4_000]);
  });

  it('retries when the connection fails before any answer', async () => {
    api().get('/crm/v3/lists/187').once().replyWithError('socket hang up');
    api().get('/crm/v3/lists/187').once().reply(200, { list: LIST });
    const clients = testClients();
    await expect(clients.forPortal(PORTAL_ID).getList('187')).resolves.toMatchObject({ listId: '187' });
    expect(clients.clock.sleeps).toHaveLength(1);
  });

  it('does not retry a 400 and throws HubSpotApiError with the API message', async () => {
    api().post('/crm/v3/objects/contacts/batch/update').once().reply(400, {
      status: 'error',
      message:
        'Property values were not valid: [{"isValid":false,"message":"bad value","name":"ai_call_attempts"}]',
      correlationId: 'corr-400',
      category: 'VALIDATION_ERROR',
    });
    const clients = testClients();
    const error = await failure(
      clients
        .forPortal(PORTAL_ID)
        .batchUpdateContacts([{ id: '101', properties: { ai_call_attempts: 'x' } }]),
    );
    expect(error).toMatchObject({
      status: 400,
      category: 'VALIDATION_ERROR',
      correlationId: 'corr-400',
      method: 'POST',
      path: '/crm/v3/objects/contacts/batch/update',
      outcomeUnknown: false,
    });
    expect(error.message).toMatch(/^Property values were not valid/);
    expect(clients.clock.sleeps).toEqual([]);
  });

  it('drops the cached token after a 401 instead of retrying with it', async () => {
    api().get('/crm/v3/lists/187').once().reply(401, {
      status: 'error',
      message: 'The OAuth token used to make this call expired 2 minute(s) ago.',
      category: 'EXPIRED_AUTHENTICATION',
    });
    const tokens = staticTokens();
    const error = await failure(testClients({ tokens }).forPortal(PORTAL_ID).getList('187'));
    expect(error).toMatchObject({ status: 401, category: 'EXPIRED_AUTHENTICATION' });
    expect(tokens.invalidated).toEqual([PORTAL_ID]);
  });

  it("makes a portal's calls share its rolling budget", async () => {
    const clock = new SteppingClock();
    const clients = createHubSpotClients({
      baseUrl: HUBSPOT,
      tokens: staticTokens(),
      logger: silentLogger,
      clock,
      limits: { maxRequests: 2, windowMs: 10_000 },
    });
    api().get('/crm/v3/lists/187').times(3).reply(200, { list: LIST });
    const portal = clients.forPortal(PORTAL_ID);
    await Promise.all([portal.getList('187'), portal.getList('187'), portal.getList('187')]);
    expect(clock.sleeps).toEqual([10_000]);
  });
});

describe('decideRetry', () => {
  const error = (status: number, extra: Partial<ConstructorParameters<typeof HubSpotApiError>[0]> = {}) =>
    new HubSpotApiError({ status, category: 'X', message: 'm', method: 'GET', path: '/p', ...extra });

  it('pauses the whole portal on a rolling-limit 429, not just the one request', () => {
    expect(
      decideRetry(error(429, { policyName: 'TEN_SECONDLY_ROLLING' }), 1, DEFAULT_RETRY, true),
    ).toMatchObject({
      retry: true,
      delayMs: 10_000,
      pausePortal: true,
    });
  });

  it('retries a 429 even for writes that are not idempotent: HubSpot did not process them', () => {
    expect(decideRetry(error(429, { retryAfterMs: 2_000 }), 1, DEFAULT_RETRY, false)).toMatchObject({
      retry: true,
      delayMs: 2_000,
    });
  });

  it('never retries a 4xx other than 429', () => {
    for (const status of [400, 401, 403, 404, 409, 422]) {
      expect(decideRetry(error(status), 1, DEFAULT_RETRY, true)).toEqual({ retry: false });
    }
  });

  it('stops at the attempt limit', () => {
    expect(decideRetry(error(500), 5, DEFAULT_RETRY, true)).toEqual({ retry: false });
    expect(decideRetry(error(429), 5, DEFAULT_RETRY, true)).toEqual({ retry: false });
  });

  it('caps backoff at 30 s and keeps it between half and all of the ceiling', () => {
    const options = { ...DEFAULT_RETRY, maxAttempts: 20 };
    expect(backoffDelay(12, { ...options, random: () => 0.999999 })).toBeLessThanOrEqual(30_000);
    expect(backoffDelay(12, { ...options, random: () => 0 })).toBe(15_000);
    expect(backoffDelay(1, { ...options, random: () => 0 })).toBe(250);
  });
});
