import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCampaign, TUESDAY_AFTERNOON_NY } from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { ManualClock } from '../../../test/helpers/engine.js';
import { sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { signedApi } from '../../../test/helpers/signed-api.js';
import { waitUntil } from '../../../test/helpers/wait.js';
import {
  createHubSpotOAuth,
  createTokenCipher,
  PortalNotConnectedError,
  PortalRevokedError,
  PortalTokenProvider,
  REVOKED_REASON,
} from '../../src/hubspot/index.js';
import { type RunningService, startService } from '../../src/runtime.js';
import { type Sandbox, SECOND_PORTAL_ID } from '../../src/sandbox/index.js';

/**
 * The OAuth install end to end against the fake HubSpot, redirects followed by hand as a browser would:
 * /oauth/install → HubSpot's consent page (the fake's, which consents at once) → /oauth/callback.
 */

const KEY_HEX = randomBytes(32).toString('hex');
const cipher = createTokenCipher(KEY_HEX);
const NO_SUCH_CAMPAIGN = '00000000-0000-4000-8000-000000000000';
const MINUTE = 60_000;

let db: TestDatabase;
let service: RunningService;
let sandbox: Sandbox;
const clock = new ManualClock(TUESDAY_AFTERNOON_NY);

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db, { TOKEN_ENCRYPTION_KEY: KEY_HEX }),
    logger: silentLogger,
    clock,
    startDispatcher: false,
  });
  sandbox = service.integrations.sandbox!;
});
afterAll(async () => {
  await service?.stop();
  await db?.drop();
});

interface Page {
  readonly status: number;
  readonly text: string;
}

const get = async (url: string): Promise<Page> => {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, text: await response.text() };
};

/** /oauth/install: where it sends the admin, and the state it handed out. */
async function startInstall(): Promise<{ consentUrl: URL; state: string }> {
  const response = await fetch(`${service.url}/oauth/install`, { redirect: 'manual' });
  expect(response.status).toBe(302);
  const consentUrl = new URL(response.headers.get('location')!);
  return { consentUrl, state: consentUrl.searchParams.get('state')! };
}

/** The fake's consent page for `portalId`: the callback URL it redirects to, with code and state. */
async function consent(consentUrl: URL, portalId: number): Promise<string> {
  const url = new URL(consentUrl);
  url.searchParams.set('portal_id', String(portalId));
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return response.headers.get('location')!;
}

async function install(portalId: number): Promise<{ callbackUrl: string; page: Page }> {
  const { consentUrl } = await startInstall();
  const callbackUrl = await consent(consentUrl, portalId);
  return { callbackUrl, page: await get(callbackUrl) };
}

const grants = (grantType: string, portalId: number | null = SECOND_PORTAL_ID) =>
  sandbox.hubspot.record.oauth.filter((o) => o.grantType === grantType && o.portalId === portalId);

async function storedTokens(portalId: number) {
  const { rows } = await db.pool.query(
    'SELECT access_token_enc, refresh_token_enc, expires_at, scopes FROM portal_credentials WHERE portal_id = $1',
    [portalId],
  );
  const row = rows[0];
  return {
    accessEnc: row.access_token_enc as Buffer,
    refreshEnc: row.refresh_token_enc as Buffer,
    access: cipher.decrypt(row.access_token_enc, `portal:${portalId}:access`),
    refresh: cipher.decrypt(row.refresh_token_enc, `portal:${portalId}:refresh`),
    expiresAt: row.expires_at as Date,
    scopes: row.scopes as string[],
  };
}

const portalRow = async (portalId: number) =>
  (
    await db.pool.query(
      `SELECT auth_kind, name, status, status_reason, installed_by_user_id, crm_setup_at
         FROM portals WHERE portal_id = $1`,
      [portalId],
    )
  ).rows[0];

/** A page for a person: HTML, and nothing a stack trace would print. */
function expectPlainPage(page: Page, status: number, saying: RegExp) {
  expect(page.status).toBe(status);
  expect(page.text).toMatch(/^<!doctype html>/);
  expect(page.text).toMatch(saying);
  expect(page.text).not.toMatch(/\s+at \S+ \(|\.ts:\d+|Error:/);
}

describe('installing the app through OAuth', () => {
  let callbackUrl: string;

  it('connects the portal: tokens stored encrypted, setup run as a job, signed API calls served', async () => {
    const done = await install(SECOND_PORTAL_ID);
    callbackUrl = done.callbackUrl;
    expectPlainPage(done.page, 200, /Connected/);
    expect(done.page.text).toContain('lakeside-animal-rescue.sandbox.example.org');

    expect(await portalRow(SECOND_PORTAL_ID)).toMatchObject({
      auth_kind: 'oauth',
      name: 'lakeside-animal-rescue.sandbox.example.org',
      status: 'connected',
      status_reason: null,
      installed_by_user_id: 1,
    });
    const tokens = await storedTokens(SECOND_PORTAL_ID);
    expect(tokens.access).toMatch(/^sandbox-oauth-/);
    expect(tokens.refresh).toMatch(/^sandbox-refresh-/);
    for (const secret of [tokens.access, tokens.refresh]) {
      expect(tokens.accessEnc.includes(Buffer.from(secret))).toBe(false);
      expect(tokens.refreshEnc.includes(Buffer.from(secret))).toBe(false);
      expect(done.page.text).not.toContain(secret);
    }
    expect(tokens.scopes).toContain('crm.schemas.contacts.write');
    expect(grants('authorization_code').map((g) => g.outcome)).toEqual(['granted']);

    await waitUntil(async () => (await portalRow(SECOND_PORTAL_ID)).crm_setup_at !== null, {
      timeoutMs: 30_000,
      what: 'the portal-setup job to set the portal up',
    });
    const changes = sandbox.hubspot.record.schemaChanges.filter((c) => c.portalId === SECOND_PORTAL_ID);
    expect(changes.map((c) => `${c.objectType}:${c.kind}`)).toEqual(
      expect.arrayContaining(['contacts:group', 'contacts:property', 'calls:property']),
    );

    const answer = await signedApi(service, SECOND_PORTAL_ID).get(`/api/campaigns/${NO_SUCH_CAMPAIGN}`);
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('not_found');
  });

  it('serves the installed portal with its own OAuth token, the demo portal with the fake fixed one', async () => {
    const list = sandbox.secondPortal.lists[0]!;
    await expect(
      service.integrations.hubspot.forPortal(SECOND_PORTAL_ID).getList(list.listId),
    ).resolves.toMatchObject({ listId: list.listId });
    const demo = sandbox.demoPortal;
    await expect(
      service.integrations.hubspot.forPortal(demo.portalId).getList(demo.lists[0]!.listId),
    ).resolves.not.toBeNull();
    // The demo portal never went through OAuth: nothing stored for it.
    const { rows } = await db.pool.query('SELECT 1 FROM portal_credentials WHERE portal_id = $1', [
      demo.portalId,
    ]);
    expect(rows).toEqual([]);
  });

  it('refuses a replayed callback with a plain 400 page, without asking HubSpot again', async () => {
    const exchanges = grants('authorization_code').length;
    expectPlainPage(await get(callbackUrl), 400, /not valid/);
    expect(grants('authorization_code')).toHaveLength(exchanges);
  });

  it('refuses a state it never issued', async () => {
    const page = await get(`${service.url}/oauth/callback?code=sandbox-code-123&state=never-issued`);
    expectPlainPage(page, 400, /not valid/);
  });

  it('answers an incomplete or malformed callback with a 400 page', async () => {
    expectPlainPage(await get(`${service.url}/oauth/callback`), 400, /Incomplete answer/);
    expectPlainPage(
      await get(`${service.url}/oauth/callback?code=a&state=b&state=c`),
      400,
      /Incomplete answer/,
    );
    // Found by the fuzz suite (test/fuzz): a NUL in the state reached the state lookup, which Postgres refused
    // (a 500 "Something went wrong" page). A state issued here never has one.
    for (const query of ['code=x&state=%00', 'state=a%00b', 'error=%00&state=s']) {
      expectPlainPage(await get(`${service.url}/oauth/callback?${query}`), 400, /Incomplete answer/);
    }
  });

  it('says the installation was cancelled when the admin declines, and spends the state', async () => {
    const { state } = await startInstall();
    const declined = await get(
      `${service.url}/oauth/callback?error=access_denied&error_description=${encodeURIComponent('<b>no</b>')}&state=${state}`,
    );
    expectPlainPage(declined, 400, /Installation cancelled/);
    expect(declined.text).toContain(`href="${service.url}/oauth/install"`);
    expectPlainPage(await get(`${service.url}/oauth/callback?code=x&state=${state}`), 400, /not valid/);
  });

  it("shows HubSpot's other errors escaped", async () => {
    const page = await get(`${service.url}/oauth/callback?error=${encodeURIComponent('<script>x</script>')}`);
    expectPlainPage(page, 400, /HubSpot did not complete the installation/);
    expect(page.text).not.toContain('<script>');
    expect(page.text).toContain('&lt;script&gt;');
  });

  it('answers a failed code exchange with a 400 page and connects nothing', async () => {
    const { state } = await startInstall();
    const page = await get(`${service.url}/oauth/callback?code=not-a-real-code&state=${state}`);
    expectPlainPage(page, 400, /did not confirm the installation/);
    expect(grants('authorization_code', null).map((g) => g.outcome)).toContain('BAD_AUTH_CODE');
  });

  it('refuses a state that expired while the admin was on the consent page', async () => {
    const { consentUrl } = await startInstall();
    const callback = await consent(consentUrl, SECOND_PORTAL_ID);
    const exchanges = grants('authorization_code').length;
    clock.advance(15 * MINUTE + 1);
    expectPlainPage(await get(callback), 400, /expired/);
    expect(grants('authorization_code')).toHaveLength(exchanges);
  });
});

describe('keeping an installed portal connected', () => {
  it('refreshes an expiring token once, however many callers in however many processes ask at once', async () => {
    const before = await storedTokens(SECOND_PORTAL_ID);
    clock.set(before.expiresAt.getTime() - MINUTE);
    const refreshes = grants('refresh_token').length;
    // A second process: its own provider and OAuth client, sharing only the database.
    const { hubspotClientId, hubspotClientSecret } = sandbox.secrets;
    const otherProcess = new PortalTokenProvider({
      pool: db.pool,
      cipher,
      oauth: createHubSpotOAuth({
        baseUrl: sandbox.hubspot.url,
        clientId: hubspotClientId,
        clientSecret: hubspotClientSecret,
        logger: silentLogger,
        now: () => clock.now(),
      }),
      logger: silentLogger,
      now: () => clock.now(),
    });
    const client = service.integrations.hubspot.forPortal(SECOND_PORTAL_ID);
    const listId = sandbox.secondPortal.lists[0]!.listId;
    const [lists, tokens] = await Promise.all([
      Promise.all(Array.from({ length: 5 }, () => client.getList(listId))),
      Promise.all(Array.from({ length: 3 }, () => otherProcess.getAccessToken(SECOND_PORTAL_ID))),
    ]);

    expect(lists.every((l) => l?.listId === listId)).toBe(true);
    expect(
      grants('refresh_token')
        .slice(refreshes)
        .map((g) => g.outcome),
    ).toEqual(['granted']);
    const after = await storedTokens(SECOND_PORTAL_ID);
    expect(after.access).not.toBe(before.access);
    expect(after.expiresAt.getTime()).toBeGreaterThan(clock.now() + 25 * MINUTE);
    expect(new Set(tokens)).toEqual(new Set([after.access]));
  });

  it('disconnects the portal and pauses its active campaigns when HubSpot refuses the refresh token', async () => {
    const campaignId = await insertCampaign(db.pool, { portalId: SECOND_PORTAL_ID, status: 'active' });
    const draftId = await insertCampaign(db.pool, { portalId: SECOND_PORTAL_ID, status: 'draft' });
    const demoCampaignId = await insertCampaign(db.pool, { portalId: sandbox.demoPortal.portalId });
    const stored = await storedTokens(SECOND_PORTAL_ID);
    // The admin uninstalls: HubSpot forgets the refresh token.
    const revoked = await fetch(`${sandbox.hubspot.url}/oauth/v1/refresh-tokens/${stored.refresh}`, {
      method: 'DELETE',
    });
    expect(revoked.status).toBe(204);
    clock.set(stored.expiresAt.getTime() - MINUTE);

    const client = service.integrations.hubspot.forPortal(SECOND_PORTAL_ID);
    const listId = sandbox.secondPortal.lists[0]!.listId;
    await expect(client.getList(listId)).rejects.toBeInstanceOf(PortalRevokedError);

    expect(await portalRow(SECOND_PORTAL_ID)).toMatchObject({
      status: 'disconnected',
      status_reason: REVOKED_REASON,
    });
    const campaigns = await db.pool.query(
      'SELECT id::text, status, status_reason FROM campaigns WHERE id = ANY($1) ORDER BY status',
      [[campaignId, draftId, demoCampaignId]],
    );
    expect(campaigns.rows).toEqual(
      expect.arrayContaining([
        { id: campaignId, status: 'paused', status_reason: REVOKED_REASON },
        { id: draftId, status: 'draft', status_reason: null },
        { id: demoCampaignId, status: 'active', status_reason: null },
      ]),
    );
    const change = await db.pool.query(
      `SELECT user_id, action, detail->>'reason' AS reason FROM campaign_changes WHERE campaign_id = $1`,
      [campaignId],
    );
    expect(change.rows).toEqual([{ user_id: null, action: 'paused', reason: REVOKED_REASON }]);

    const answer = await signedApi(service, SECOND_PORTAL_ID).get(`/api/campaigns/${campaignId}`);
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('portal_disconnected');
    // Nothing more is sent to HubSpot for it, not even another refresh.
    const refreshes = grants('refresh_token', null).length + grants('refresh_token').length;
    await expect(client.getList(listId)).rejects.toBeInstanceOf(PortalNotConnectedError);
    expect(grants('refresh_token', null).length + grants('refresh_token').length).toBe(refreshes);
  });

  it('reconnects on a reinstall; campaigns paused by the disconnect stay paused for a person to resume', async () => {
    const done = await install(SECOND_PORTAL_ID);
    expectPlainPage(done.page, 200, /Connected/);
    expect(await portalRow(SECOND_PORTAL_ID)).toMatchObject({ status: 'connected', status_reason: null });
    const paused = await db.pool.query(
      `SELECT count(*)::int AS n FROM campaigns WHERE portal_id = $1 AND status = 'paused'`,
      [SECOND_PORTAL_ID],
    );
    expect(paused.rows[0].n).toBe(1);
    const list = sandbox.secondPortal.lists[0]!;
    await expect(
      service.integrations.hubspot.forPortal(SECOND_PORTAL_ID).getList(list.listId),
    ).resolves.toMatchObject({ listId: list.listId });
    const answer = await signedApi(service, SECOND_PORTAL_ID).get(`/api/campaigns/${NO_SUCH_CAMPAIGN}`);
    expect(answer.status).toBe(404);
  });
});
