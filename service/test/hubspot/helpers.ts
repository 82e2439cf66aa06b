import { silentLogger } from '../../../test/helpers/database.js';
import { createHubSpotClients, type HubSpotClients } from '../../src/hubspot/portal-client-factory.js';
import type { TokenProvider } from '../../src/hubspot/types.js';
import { SteppingClock } from './fake-clocks.js';

export const HUBSPOT = 'https://api.hubapi.com';
export const PORTAL_ID = 44556677;
export const TOKEN = 'pat-na1-test-token';

/** The exact 429 body HubSpot sends when the ten-secondly rolling limit is hit. */
export const TEN_SECONDLY_429 = {
  status: 'error',
  message: 'You have reached your ten_secondly_rolling limit.',
  errorType: 'RATE_LIMIT',
  correlationId: 'c0ffee00-1111-2222-3333-444455556666',
  policyName: 'TEN_SECONDLY_ROLLING',
  groupName: 'publicapi',
};

export function staticTokens(token = TOKEN): TokenProvider & { invalidated: number[] } {
  const invalidated: number[] = [];
  return {
    invalidated,
    getAccessToken: async () => token,
    invalidate: (portalId) => void invalidated.push(portalId),
  };
}

/** Real clients against https://api.hubapi.com (nock answers), on a clock where every wait is instant. */
export function testClients(
  options: { tokens?: TokenProvider; random?: () => number } = {},
): HubSpotClients & { clock: SteppingClock } {
  const clock = new SteppingClock();
  const clients = createHubSpotClients({
    baseUrl: HUBSPOT,
    tokens: options.tokens ?? staticTokens(),
    oauthApp: { clientId: 'client-id-1', clientSecret: 'client-secret-1' },
    logger: silentLogger,
    clock,
    retry: { random: options.random ?? (() => 0.5) },
  });
  return Object.assign(clients, { clock });
}
