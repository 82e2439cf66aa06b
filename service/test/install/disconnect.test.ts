import { randomBytes } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertCampaign,
  insertPortal,
  TUESDAY_AFTERNOON_NY,
} from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { engineDeps, ManualClock } from '../../../test/helpers/engine.js';
import type { ServiceDeps } from '../../src/core/deps.js';
import {
  createTokenCipher,
  HubSpotApiError,
  type HubSpotOAuth,
  PortalNotConnectedError,
  PortalRevokedError,
  PortalTokenProvider,
  REVOKED_REASON,
} from '../../src/hubspot/index.js';
import { disconnectPortal } from '../../src/install/index.js';

/** Disconnecting a portal, and the token store's part in it, on a real database with a stand-in OAuth endpoint. */

const cipher = createTokenCipher(randomBytes(32));
const MINUTE = 60_000;
let db: TestDatabase;
let deps: ServiceDeps & { boss: PgBoss };
const clock = new ManualClock(TUESDAY_AFTERNOON_NY);
let nextPortal = 5_000;

beforeAll(async () => {
  db = await createTestDatabase();
  deps = await engineDeps(db, { clock });
});
afterAll(async () => {
  await deps?.boss.stop({ graceful: false, close: true });
  await db?.drop();
});

const refused = () =>
  new HubSpotApiError({
    status: 400,
    category: 'BAD_REFRESH_TOKEN',
    message: 'missing or unknown refresh token',
    method: 'POST',
    path: '/oauth/v1/token',
  });

/** An OAuth endpoint whose every refresh fails with `error`, counting the attempts. */
function failingOAuth(error: () => Error) {
  const attempts: string[] = [];
  const oauth: Pick<HubSpotOAuth, 'refresh'> = {
    refresh: async (refreshToken) => {
      attempts.push(refreshToken);
      throw error();
    },
  };
  return { oauth, attempts };
}

/** A portal installed through OAuth whose access token expires in `expiresInMs`. */
async function installedPortal(expiresInMs: number): Promise<number> {
  const portalId = nextPortal++;
  const { oauth } = failingOAuth(() => new Error('not expected'));
  await new PortalTokenProvider({ pool: db.pool, cipher, oauth, logger: silentLogger }).saveTokens(
    portalId,
    { accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: new Date(Date.now() + expiresInMs) },
    ['oauth'],
  );
  return portalId;
}

const portalStatus = async (portalId: number) =>
  (await db.pool.query('SELECT status, status_reason FROM portals WHERE portal_id = $1', [portalId])).rows[0];

const campaignStatuses = async (ids: string[]) =>
  (
    await db.pool.query('SELECT id::text, status, status_reason FROM campaigns WHERE id = ANY($1)', [ids])
  ).rows.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));

describe('disconnectPortal', () => {
  it("pauses the portal's active campaigns with the reason, leaves the rest and other portals alone", async () => {
    const portalId = nextPortal++;
    const other = nextPortal++;
    await insertPortal(db.pool, portalId);
    await insertPortal(db.pool, other);
    const ids = [
      await insertCampaign(db.pool, { portalId, status: 'active' }),
      await insertCampaign(db.pool, { portalId, status: 'active' }),
      await insertCampaign(db.pool, { portalId, status: 'ready' }),
      await insertCampaign(db.pool, { portalId, status: 'completed' }),
      await insertCampaign(db.pool, { portalId: other, status: 'active' }),
    ];

    const result = await disconnectPortal(deps, portalId, 'uninstalled the app');

    expect(result).toEqual({ disconnected: true, pausedCampaignIds: ids.slice(0, 2) });
    expect(await portalStatus(portalId)).toEqual({
      status: 'disconnected',
      status_reason: 'uninstalled the app',
    });
    expect(await portalStatus(other)).toEqual({ status: 'connected', status_reason: null });
    expect((await campaignStatuses(ids)).map((c) => [c.status, c.status_reason])).toEqual([
      ['paused', 'uninstalled the app'],
      ['paused', 'uninstalled the app'],
      ['ready', null],
      ['completed', null],
      ['active', null],
    ]);
  });

  it('is idempotent: a second call keeps the first reason and pauses only what is active again', async () => {
    const portalId = nextPortal++;
    await insertPortal(db.pool, portalId);
    const first = await insertCampaign(db.pool, { portalId, status: 'active' });
    await disconnectPortal(deps, portalId, 'token revoked');
    // Someone made a campaign active again behind the guard's back (or a crash left one): the next call pauses it.
    const late = await insertCampaign(db.pool, { portalId, status: 'active' });

    const again = await disconnectPortal(deps, portalId, 'uninstalled the app');

    expect(again).toEqual({ disconnected: false, pausedCampaignIds: [late] });
    expect(await portalStatus(portalId)).toEqual({ status: 'disconnected', status_reason: 'token revoked' });
    expect((await campaignStatuses([first, late])).map((c) => c.status_reason)).toEqual([
      'token revoked',
      'uninstalled the app',
    ]);
    const changes = await db.pool.query(
      `SELECT count(*)::int AS n FROM campaign_changes WHERE campaign_id = $1 AND action = 'paused'`,
      [first],
    );
    expect(changes.rows[0].n).toBe(1);
  });

  it('changes nothing for a portal it does not know', async () => {
    expect(await disconnectPortal(deps, 987_654_321, 'whatever')).toEqual({
      disconnected: false,
      pausedCampaignIds: [],
    });
  });
});

describe('the token store when HubSpot refuses a refresh token', () => {
  it('reports the portal once for all concurrent callers, then fails each of them', async () => {
    const portalId = await installedPortal(MINUTE);
    const campaignId = await insertCampaign(db.pool, { portalId, status: 'active' });
    const { oauth, attempts } = failingOAuth(refused);
    const reported: number[] = [];
    const provider = new PortalTokenProvider({
      pool: db.pool,
      cipher,
      oauth,
      logger: silentLogger,
      onRevoked: async (id, reason) => {
        reported.push(id);
        await disconnectPortal(deps, id, reason);
      },
    });

    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => provider.getAccessToken(portalId)),
    );

    expect(results.map((r) => r.status === 'rejected' && r.reason instanceof PortalRevokedError)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(attempts).toEqual(['refresh-1']);
    expect(reported).toEqual([portalId]);
    expect(await portalStatus(portalId)).toEqual({ status: 'disconnected', status_reason: REVOKED_REASON });
    expect((await campaignStatuses([campaignId]))[0]).toMatchObject({
      status: 'paused',
      status_reason: REVOKED_REASON,
    });
  });

  it('still fails the caller with PortalRevokedError when disconnecting fails', async () => {
    const portalId = await installedPortal(MINUTE);
    const { oauth } = failingOAuth(refused);
    const provider = new PortalTokenProvider({
      pool: db.pool,
      cipher,
      oauth,
      logger: silentLogger,
      onRevoked: async () => {
        throw new Error('database unavailable');
      },
    });
    await expect(provider.getAccessToken(portalId)).rejects.toBeInstanceOf(PortalRevokedError);
  });

  it('does not disconnect a portal when a refresh fails for another reason (an outage)', async () => {
    const portalId = await installedPortal(MINUTE);
    const outage = () =>
      new HubSpotApiError({ status: 503, category: 'HTTP_503', message: 'down', method: 'POST', path: '/x' });
    const { oauth } = failingOAuth(outage);
    const reported: number[] = [];
    const provider = new PortalTokenProvider({
      pool: db.pool,
      cipher,
      oauth,
      logger: silentLogger,
      onRevoked: async (id) => {
        reported.push(id);
      },
    });
    await expect(provider.getAccessToken(portalId)).rejects.toBeInstanceOf(HubSpotApiError);
    expect(reported).toEqual([]);
    expect(await portalStatus(portalId)).toMatchObject({ status: 'connected' });
  });

  it('hands out no token for a disconnected portal, not even a fresh stored one, and asks HubSpot nothing', async () => {
    const portalId = await installedPortal(30 * MINUTE);
    await disconnectPortal(deps, portalId, 'uninstalled the app');
    const { oauth, attempts } = failingOAuth(refused);
    const provider = new PortalTokenProvider({ pool: db.pool, cipher, oauth, logger: silentLogger });
    await expect(provider.getAccessToken(portalId)).rejects.toThrow(PortalNotConnectedError);
    await expect(provider.getAccessToken(portalId)).rejects.toThrow(/disconnected/);
    expect(attempts).toEqual([]);
  });
});
