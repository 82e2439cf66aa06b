import { createLogger } from '../../src/logger.js';
import { createDemoPortal } from '../../src/sandbox/demo-portal.js';
import {
  type FakeHubSpot,
  type FakeHubSpotOptions,
  startFakeHubSpot,
} from '../../src/sandbox/hubspot/fake-hubspot.js';

/** A fake HubSpot with the demo portal, and a tiny JSON client bearing the portal's token. */

export const demoPortal = createDemoPortal();

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

export interface HubSpotHarness {
  readonly fake: FakeHubSpot;
  api(path: string, init?: { method?: string; body?: unknown; token?: string }): Promise<ApiAnswer>;
}

export async function startHubSpotHarness(
  options: Partial<FakeHubSpotOptions> = {},
): Promise<HubSpotHarness> {
  const fake = await startFakeHubSpot({
    clientId: 'cid',
    clientSecret: 'csecret',
    portals: [demoPortal],
    rateLimit: false,
    logger: createLogger('silent'),
    ...options,
  });
  return {
    fake,
    api: async (path, init = {}) => {
      const res = await fetch(`${fake.url}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          authorization: `Bearer ${init.token ?? demoPortal.accessToken}`,
          'content-type': 'application/json',
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      const text = await res.text();
      return {
        status: res.status,
        headers: res.headers,
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      };
    },
  };
}
