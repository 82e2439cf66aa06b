import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCampaign } from '../../../test/helpers/campaign-fixtures.js';
import { tableCounts } from '../../../test/helpers/signed-api.js';
import { SANDBOX_AGENTS } from '../../src/sandbox/elevenlabs/catalog.js';
import { type ApiTestService, startApiTestService } from './api-service.js';

let t: ApiTestService;
const [openAgent, lockedAgent] = SANDBOX_AGENTS;

beforeAll(async () => {
  t = await startApiTestService();
});
afterAll(async () => {
  await t.stop();
});

const changes = async (campaignId: string) =>
  (
    await t.db.pool.query<{ user_id: string | null; action: string }>(
      'SELECT user_id, action FROM campaign_changes WHERE campaign_id = $1 ORDER BY id',
      [campaignId],
    )
  ).rows.map((r) => ({ userId: r.user_id === null ? null : Number(r.user_id), action: r.action }));

describe('campaigns through the signed API', () => {
  it('previews the import before launch: eligible contacts and each reason a contact is skipped', async () => {
    const { id, status } = await t.createImportedCampaign();
    expect(status).toBe('ready');
    const preview = await t.portalA.get(`/api/campaigns/${id}/import-preview`);
    expect(preview.status).toBe(200);
    // The 20-donor demo list has one contact of each problem it carries (sandbox/demo-portal.ts): a number that
    // is not one, no number, do-not-call and no consent; every zone can be found from HubSpot or the number.
    expect(preview.body).toEqual({
      campaignId: id,
      status: 'ready',
      complete: true,
      import: { total: 20, done: 20, error: null },
      contacts: 20,
      eligible: 16,
      skipped: { noPhone: 1, invalidPhone: 1, duplicate: 0, doNotCall: 1, noConsent: 1, noTimeZone: 0 },
    });
  });

  it("lists the portal's campaigns newest first, paged and by status, and never another portal's", async () => {
    await insertCampaign(t.db.pool, { portalId: t.portalIdB, status: 'ready' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await t.createImportedCampaign({ name: `Paged ${i}` })).id);
    await t.portalA.post(`/api/campaigns/${ids[1]}/cancel`);

    const all = await t.portalA.get('/api/campaigns?limit=200');
    expect(all.status).toBe(200);
    const mine = (
      await t.db.pool.query('SELECT count(*)::int AS n FROM campaigns WHERE portal_id = $1', [t.portalIdA])
    ).rows[0].n;
    expect(all.body.total).toBe(mine);
    expect(all.body.items.slice(0, 3).map((c: { id: string }) => c.id)).toEqual([ids[2], ids[1], ids[0]]);

    const page = await t.portalA.get('/api/campaigns?limit=2&offset=1');
    expect(page.body).toMatchObject({ total: mine, offset: 1, limit: 2 });
    expect(page.body.items.map((c: { id: string }) => c.id)).toEqual([ids[1], ids[0]]);

    const cancelled = await t.portalA.get('/api/campaigns?status=cancelled');
    expect(cancelled.body.total).toBe(1);
    expect(cancelled.body.items.map((c: { id: string }) => c.id)).toEqual([ids[1]]);

    const pastTheEnd = await t.portalA.get(`/api/campaigns?offset=${mine + 5}`);
    expect(pastTheEnd.body).toMatchObject({ items: [], total: mine });

    const fromB = await t.portalB.get('/api/campaigns');
    expect(fromB.body.total).toBe(1);
    expect(fromB.body.items[0].id).not.toBe(ids[0]);
  });

  it('edits window, caps, retry policy, first message and variable mapping, recording who did', async () => {
    const { id } = await t.createImportedCampaign();
    const edit = {
      window: { days: [1, 2, 3], start: '10:00', end: '18:30' },
      concurrencyCap: 3,
      dailyCap: 120,
      retryPolicy: { no_answer: { delayMinutes: 90, maxAttempts: 2 } },
      firstMessage: 'Hi {{first_name}}, thank you for feeding families this spring.',
      variableProperties: { first_name: 'firstname', city: 'city' },
    };
    const answer = await t.portalA.patch(`/api/campaigns/${id}`, edit);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      window: { days: [1, 2, 3], start: '10:00', end: '18:30' },
      concurrencyCap: 3,
      dailyCap: 120,
      retryPolicy: { no_answer: { delayMinutes: 90, maxAttempts: 2 } },
      firstMessage: edit.firstMessage,
      variableProperties: { first_name: 'firstname', city: 'city' },
    });
    expect((await t.portalA.get(`/api/campaigns/${id}`)).body).toEqual(answer.body);
    expect(await changes(id)).toEqual([
      { userId: 7001, action: 'created' },
      { userId: 7001, action: 'edited' },
    ]);

    const cleared = await t.portalA.patch(`/api/campaigns/${id}`, { firstMessage: null });
    expect(cleared.body.firstMessage).toBeNull();
  });

  it('refuses a first message for an agent that does not allow overriding it, naming firstMessage, and writes nothing', async () => {
    expect(openAgent?.allowsFirstMessageOverride).toBe(true);
    expect(lockedAgent?.allowsFirstMessageOverride).toBe(false);
    const before = await tableCounts(t.service);
    const refused = await t.portalA.post('/api/campaigns', {
      ...t.campaignBody,
      agentId: lockedAgent?.agentId,
      firstMessage: 'Hello there',
      idempotencyKey: 'first-message-locked',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'invalid_request', field: 'firstMessage' });
    expect(await tableCounts(t.service)).toEqual(before);

    // Waits for its import too, so the counts below see only what the edit does.
    const allowed = await t.createImportedCampaign({
      agentId: openAgent?.agentId,
      firstMessage: 'Hello {{first_name}}',
    });
    expect((await t.portalA.get(`/api/campaigns/${allowed.id}`)).body.firstMessage).toBe(
      'Hello {{first_name}}',
    );

    const locked = await t.createImportedCampaign({ agentId: lockedAgent?.agentId });
    const beforeEdit = await tableCounts(t.service);
    const editRefused = await t.portalA.patch(`/api/campaigns/${locked.id}`, { firstMessage: 'Hello there' });
    expect(editRefused.status).toBe(400);
    expect(editRefused.body.error.field).toBe('firstMessage');
    expect(await tableCounts(t.service)).toEqual(beforeEdit);
    // Going back to the agent's own needs no override.
    expect((await t.portalA.patch(`/api/campaigns/${locked.id}`, { firstMessage: null })).status).toBe(200);
  });

  it('starts, pauses, resumes and cancels for the signed user; a transition not allowed is a 409 that changes nothing', async () => {
    const { id } = await t.createImportedCampaign();
    const status = async () =>
      (await t.db.pool.query('SELECT status FROM campaigns WHERE id = $1', [id])).rows[0].status;

    expect((await t.portalA.post(`/api/campaigns/${id}/resume`)).status).toBe(409);
    const started = await t.portalA.post(`/api/campaigns/${id}/start`);
    expect(started.status).toBe(200);
    expect(started.body.status).toBe('active');
    const queued = await t.db.pool.query(
      `SELECT count(*)::int AS n FROM campaign_contacts WHERE campaign_id = $1 AND state = 'queued'`,
      [id],
    );
    expect(queued.rows[0].n).toBe(16);

    const again = await t.portalA.post(`/api/campaigns/${id}/start`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_state');
    expect(await status()).toBe('active');

    expect((await t.portalA.post(`/api/campaigns/${id}/pause`, {})).body.status).toBe('paused');
    expect((await t.portalA.post(`/api/campaigns/${id}/resume`)).body.status).toBe('active');
    expect((await t.portalA.post(`/api/campaigns/${id}/cancel`)).body.status).toBe('cancelled');
    expect((await t.portalA.post(`/api/campaigns/${id}/resume`)).status).toBe(409);
    expect((await t.portalA.patch(`/api/campaigns/${id}`, { dailyCap: 5 })).status).toBe(409);
    expect(await status()).toBe('cancelled');

    expect(await changes(id)).toEqual(
      ['created', 'launched', 'paused', 'resumed', 'cancelled'].map((action) => ({ userId: 7001, action })),
    );
  });

  it('names the field of a bad edit or control: an unknown setting, an empty edit, a body on a control', async () => {
    const { id } = await t.createImportedCampaign();
    const cases: [string, () => Promise<{ status: number; body: { error: { field?: string } } }>, string][] =
      [
        ['unknown setting', () => t.portalA.patch(`/api/campaigns/${id}`, { dailyCapp: 5 }), 'dailyCapp'],
        ['empty edit', () => t.portalA.patch(`/api/campaigns/${id}`, {}), 'body'],
        [
          'cap out of range',
          () => t.portalA.patch(`/api/campaigns/${id}`, { concurrencyCap: 0 }),
          'concurrencyCap',
        ],
        ['body on a control', () => t.portalA.post(`/api/campaigns/${id}/start`, { force: true }), 'force'],
        ['malformed id', () => t.portalA.get('/api/campaigns/not-a-uuid'), 'campaignId'],
        ['unknown status', () => t.portalA.get('/api/campaigns?status=running'), 'status'],
      ];
    for (const [name, call, field] of cases) {
      const answer = await call();
      expect({ name, status: answer.status, field: answer.body.error.field }).toEqual({
        name,
        status: 400,
        field,
      });
    }
  });
});
