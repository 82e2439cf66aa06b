import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedCall, tableCounts } from '../../../test/helpers/signed-api.js';
import { apiRoutes, type HubSpotSurfaceContext } from '../../src/api/index.js';
import { sendSignedCall } from '../../src/sandbox/hubspot/signed-calls.js';
import { type Body, type EndpointDescriptor, NO_BODY, type PortalObjects } from './api-endpoints.js';
import { allApiEndpoints, seedPortalObjects } from './api-fixtures.js';
import { type ApiTestService, startApiTestService } from './api-service.js';

/**
 * The security matrix of the signed /api, over every endpoint in api-endpoints.ts: a request with its signature
 * missing, made with the wrong secret, stale, or tampered with (body, query, the portal id in the query) is a 401;
 * a valid request of portal A on portal B's object is a 404; each malformed variant is a 400 naming its field.
 * After each of them the database is as it was: every table's row count, and the rows of the campaign tables.
 */

let t: ApiTestService;
let own: PortalObjects;
let other: PortalObjects;
let endpoints: EndpointDescriptor[];

/** Row counts of every table of ours, plus the rows themselves of the tables a campaign request could touch. */
async function databaseState(): Promise<Record<string, unknown>> {
  const rows: Record<string, string> = {};
  for (const table of [
    'campaigns',
    'campaign_contacts',
    'call_attempts',
    'campaign_changes',
    'suppressions',
  ]) {
    const r = await t.db.pool.query<{ digest: string }>(
      `SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS digest FROM ${table} x`,
    );
    rows[table] = r.rows[0]?.digest ?? '';
  }
  // Jobs a request could queue (an import). The minutely sweeps come and go on their own: their jobs, and
  // pg-boss's own (__pgboss__send-it delivers each cron tick), are not counted.
  const jobs = await t.db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pgboss.job
      WHERE name NOT IN (SELECT name FROM pgboss.schedule) AND name NOT LIKE '\\_\\_pgboss\\_\\_%'`,
  );
  return { counts: await tableCounts(t.service), rows, jobs: jobs.rows[0]?.n };
}

const api = () => t.portalA;

function sign(
  endpoint: EndpointDescriptor,
  path: string,
  body: Body | undefined,
  timestampMs?: number,
): SignedCall {
  const payload = body === NO_BODY ? undefined : (body ?? (endpoint.method === 'GET' ? undefined : {}));
  return api().sign(endpoint.method, path, payload, timestampMs);
}

const validCall = (endpoint: EndpointDescriptor, objects: PortalObjects, timestampMs?: number) =>
  sign(endpoint, endpoint.path(objects), endpoint.body?.(objects), timestampMs);

const withHeader = (call: SignedCall, name: string, value: string | null): SignedCall => {
  const headers = { ...call.headers };
  delete headers[name];
  if (value !== null) headers[name] = value;
  return { ...call, headers };
};

/** The ways a signed request can be got wrong, each a 401. */
function tamperedCalls(endpoint: EndpointDescriptor): Record<string, SignedCall> {
  const good = validCall(endpoint, own);
  const withQuery = (url: string, extra: string) => `${url}${url.includes('?') ? '&' : '?'}${extra}`;
  const cases: Record<string, SignedCall> = {
    unsigned: withHeader(good, 'X-HubSpot-Signature-v3', null),
    'no timestamp': withHeader(good, 'X-HubSpot-Request-Timestamp', null),
    'wrong secret': withHeader(good, 'X-HubSpot-Signature-v3', Buffer.alloc(32, 7).toString('base64')),
    stale: validCall(endpoint, own, t.clock.now() - 301_000),
    'tampered query (portal id changed)': {
      ...good,
      url: good.url.replace(/portalId=\d+/, `portalId=${other.portalId}`),
    },
    'tampered query (parameter added)': { ...good, url: withQuery(good.url, 'limit=1') },
  };
  if (good.body !== '') cases['tampered body'] = { ...good, body: good.body.replace(/}$/, ',"x":1}') };
  return cases;
}

beforeAll(async () => {
  t = await startApiTestService();
  own = await seedPortalObjects(t, t.portalIdA, 400_000);
  other = await seedPortalObjects(t, t.portalIdB, 500_000);
  endpoints = allApiEndpoints(t);
});
afterAll(async () => {
  await t.stop();
});

describe('the signed /api security matrix', () => {
  it('covers every route the API mounts', () => {
    const described = new Set(endpoints.map((e) => `${e.method} ${e.route}`));
    const mounted = mountedRoutes();
    expect(mounted.length).toBeGreaterThan(10);
    for (const route of mounted) expect(described).toContain(route);
  });

  it('answers 401 to unsigned, wrongly signed, stale and tampered requests, and changes nothing', async () => {
    for (const endpoint of endpoints) {
      const before = await databaseState();
      for (const [how, call] of Object.entries(tamperedCalls(endpoint))) {
        const answer = await sendSignedCall(call);
        const what = `${endpoint.method} ${endpoint.route}: ${how}`;
        expect({ what, status: answer.status }).toEqual({ what, status: 401 });
        expect(answer.body).toMatchObject({ error: { code: 'unauthorized' } });
      }
      expect(await databaseState()).toEqual(before);
    }
  });

  it("answers 404 to portal A's valid request on portal B's objects, and changes nothing", async () => {
    for (const endpoint of endpoints.filter((e) => e.addresses !== null)) {
      const before = await databaseState();
      const answer = await sendSignedCall(validCall(endpoint, other));
      const what = `${endpoint.method} ${endpoint.route}`;
      if (endpoint.otherPortal === 'nothing_shown') {
        // The empty answer of a contact never called: none of B's campaigns, attempts or contacts in it.
        expect({ what, status: answer.status }).toEqual({ what, status: 200 });
        const text = JSON.stringify(answer.body);
        for (const id of [...Object.values(other.campaignIds), other.attemptId])
          expect(text).not.toContain(id);
        expect(await databaseState()).toEqual(before);
        continue;
      }
      expect({ what, status: answer.status, code: (answer.body as ApiBody).error?.code }).toEqual({
        what,
        status: 404,
        code: 'not_found',
      });
      expect(await databaseState()).toEqual(before);
    }
  });

  it('answers 400 naming the field to every malformed body or query, and changes nothing', async () => {
    for (const endpoint of endpoints) {
      for (const variant of endpoint.malformed) {
        const before = await databaseState();
        const path = variant.path ? variant.path(own) : endpoint.path(own);
        const body = 'body' in variant ? variant.body : endpoint.body?.(own);
        const answer = await sendSignedCall(sign(endpoint, path, body));
        const what = `${endpoint.method} ${endpoint.route}: ${variant.name}`;
        expect({ what, status: answer.status, field: (answer.body as ApiBody).error?.field }).toEqual({
          what,
          status: 400,
          field: variant.field,
        });
        expect(await databaseState()).toEqual(before);
      }
    }
  });

  it("answers the owner's valid request (so the checks above are about the request, not the descriptor)", async () => {
    // Reads first, then the changes, each on the campaign in the state it needs.
    const ordered = [...endpoints.filter((e) => !e.mutates), ...endpoints.filter((e) => e.mutates)];
    for (const endpoint of ordered) {
      const answer = await sendSignedCall(validCall(endpoint, own));
      const what = `${endpoint.method} ${endpoint.route}`;
      expect({ what, status: answer.status }).toEqual({ what, status: endpoint.okStatus });
    }
  });
});

interface ApiBody {
  error?: { code?: string; field?: string };
}

/**
 * `METHOD /path` of every /api route the API router mounts, read from Express's router stack. Building the router
 * touches none of its context, so a stub does.
 */
function mountedRoutes(): string[] {
  const routes: string[] = [];
  const visit = (stack: unknown[]) => {
    for (const layer of stack as {
      route?: { path: string; methods: Record<string, boolean> };
      handle?: { stack?: unknown[] };
    }[]) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          if (layer.route.path.startsWith('/api/'))
            routes.push(`${method.toUpperCase()} ${layer.route.path}`);
        }
      } else if (layer.handle?.stack) {
        visit(layer.handle.stack);
      }
    }
  };
  const router = apiRoutes({ deps: { pool: {} } } as unknown as HubSpotSurfaceContext);
  visit((router as unknown as { stack: unknown[] }).stack);
  return routes;
}
