import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  insertCampaign,
  insertContacts,
  TUESDAY_AFTERNOON_NY,
} from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { ManualClock } from '../../../test/helpers/engine.js';
import { sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { signedApi, tableCounts } from '../../../test/helpers/signed-api.js';
import { dispatchTick } from '../../src/campaigns/dispatch/dispatch-tick.js';
import { placeCall } from '../../src/campaigns/placement/place-call.js';
import { DNC_SYNC_QUEUE, type DoNotCallSyncJob, syncContactDoNotCall } from '../../src/contacts/index.js';
import { type RunningService, startService } from '../../src/runtime.js';
import { type Sandbox, SECOND_PORTAL_ID } from '../../src/sandbox/index.js';

/**
 * PUT /api/contacts/:id/do-not-call against a sandbox service: the portal's list (what the dispatcher and placement
 * check), the HubSpot property (written by the contact-dnc-sync job, which the test runs itself: no workers), and
 * what may be cleared. Contacts 20001..20020 exist in both sandbox portals' HubSpot (same ids, same numbers).
 */

let db: TestDatabase;
let service: RunningService;
let sandbox: Sandbox;
const clock = new ManualClock(TUESDAY_AFTERNOON_NY);
let A: number;
let portalA: ReturnType<typeof signedApi>;
let portalB: ReturnType<typeof signedApi>;

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db),
    logger: silentLogger,
    clock,
    startDispatcher: false,
    workers: [],
  });
  sandbox = service.integrations.sandbox!;
  A = sandbox.demoPortal.portalId;
  await db.pool.query(`INSERT INTO portals (portal_id, auth_kind) VALUES ($1, 'sandbox')`, [
    SECOND_PORTAL_ID,
  ]);
  portalA = signedApi(service, A);
  portalB = signedApi(service, SECOND_PORTAL_ID);
});
afterEach(async () => {
  clock.set(TUESDAY_AFTERNOON_NY);
  await db.pool.query(
    'TRUNCATE campaigns, suppressions, contact_do_not_call, contact_do_not_call_changes, caller_pacing CASCADE',
  );
  await service.boss.deleteAllJobs();
  sandbox.hubspot.record.propertyWrites.splice(0);
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

/** The contact's number as the fake HubSpot has it, in E.164 (the demo list's numbers are fictional 555 lines). */
function phoneOf(contactId: string): string {
  const properties = sandbox.hubspot.contact(A, contactId)!;
  const digits = (properties.phone ?? properties.mobilephone ?? '').replace(/\D/g, '');
  return `+1${digits.slice(-10)}`;
}

/** An active campaign of portal A with these contacts queued and due now (New York, inside the window). */
async function queued(...contactIds: string[]): Promise<string> {
  const campaign = await insertCampaign(db.pool, {
    portalId: A,
    agentId: sandbox.demoPortal.agentId,
    phoneNumberId: sandbox.demoPortal.phoneNumberId,
  });
  await insertContacts(
    db.pool,
    A,
    campaign,
    contactIds.map((contactId) => ({ contactId, phone: phoneOf(contactId) })),
  );
  return campaign;
}

async function syncJobs(): Promise<DoNotCallSyncJob[]> {
  const jobs = await service.boss.findJobs<DoNotCallSyncJob>(DNC_SYNC_QUEUE.name, { queued: true });
  return jobs.map((j) => j.data);
}

/** Works the queued contact-dnc-sync jobs as the worker would. */
async function runSyncJobs(): Promise<string[]> {
  const results: string[] = [];
  for (const job of await syncJobs()) results.push(await syncContactDoNotCall(service.engine, job));
  await service.boss.deleteAllJobs();
  return results;
}

const suppressions = async (portalId: number) =>
  (
    await db.pool.query(
      'SELECT phone_e164, reason, source FROM suppressions WHERE portal_id = $1 ORDER BY phone_e164',
      [portalId],
    )
  ).rows;
const contactRow = async (contactId: string) =>
  (
    await db.pool.query(
      'SELECT state, skip_reason FROM campaign_contacts WHERE portal_id = $1 AND contact_id = $2',
      [A, contactId],
    )
  ).rows[0];
const writesTo = (portalId: number, contactId: string) =>
  sandbox.hubspot.record.propertyWrites
    .filter((w) => w.portalId === portalId && w.contactId === contactId)
    .map((w) => w.properties);

describe('setting do-not-call', () => {
  it('stops the next dial of a contact queued in an active campaign, and reaches the HubSpot property', async () => {
    await queued('20001', '20002');
    const answer = await portalA.put('/api/contacts/20001/do-not-call', {
      doNotCall: true,
      reason: 'Asked by email',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      contactId: '20001',
      doNotCall: {
        active: true,
        numbers: [{ reason: 'manual', source: 'user:7001' }],
        lastChange: { doNotCall: true, reason: 'Asked by email', byUserId: 7001 },
        hubspot: { properties: ['fundraising_do_not_call'], status: 'pending', error: null },
      },
    });
    expect(await suppressions(A)).toEqual([
      { phone_e164: phoneOf('20001'), reason: 'manual', source: 'user:7001' },
    ]);
    // The HubSpot write was queued with the decision, and nothing was written yet.
    expect(await syncJobs()).toEqual([{ portalId: A, contactId: '20001' }]);
    expect(writesTo(A, '20001')).toEqual([]);

    const tick = await dispatchTick(service.engine);
    expect(tick).toMatchObject({ claimed: 1, skipped: 1 });
    expect(await contactRow('20001')).toEqual({ state: 'skipped', skip_reason: 'suppressed' });
    const dialled = await db.pool.query('SELECT contact_id FROM call_attempts');
    expect(dialled.rows).toEqual([{ contact_id: '20002' }]);

    expect(await runSyncJobs()).toEqual(['written']);
    expect(writesTo(A, '20001')).toEqual([{ fundraising_do_not_call: 'true' }]);
    expect(sandbox.hubspot.contact(A, '20001')?.fundraising_do_not_call).toBe('true');
    const state = await portalA.get('/api/contacts/20001/state');
    expect(state.body.doNotCall.hubspot).toEqual({
      properties: ['fundraising_do_not_call'],
      status: 'done',
      error: null,
    });
  });

  it('stops a dial already claimed: placement checks the list again at dial time', async () => {
    await queued('20001');
    expect((await dispatchTick(service.engine)).claimed).toBe(1);
    const attempt = (await db.pool.query<{ id: string }>('SELECT id::text FROM call_attempts')).rows[0]!;
    expect((await portalA.put('/api/contacts/20001/do-not-call', { doNotCall: true })).status).toBe(200);

    await placeCall(service.engine, { attemptId: attempt.id, portalId: A });
    expect(sandbox.elevenlabs.record.dials).toEqual([]);
    const after = await db.pool.query('SELECT status, not_placed_reason FROM call_attempts');
    expect(after.rows).toEqual([{ status: 'not_placed', not_placed_reason: 'do_not_call_list' }]);
    expect(await contactRow('20001')).toEqual({ state: 'skipped', skip_reason: 'suppressed' });
  });

  it('blocks the contact’s numbers in HubSpot too, normalised, even when no campaign holds the contact', async () => {
    // 20003 is written "(215) 555-0150" in HubSpot and is in no campaign yet.
    expect(sandbox.hubspot.contact(A, '20003')?.phone).toMatch(/^\(\d{3}\) /);
    const answer = await portalA.put('/api/contacts/20003/do-not-call', { doNotCall: true });
    expect(answer.status).toBe(200);
    expect(await suppressions(A)).toEqual([
      { phone_e164: phoneOf('20003'), reason: 'manual', source: 'user:7001' },
    ]);
    // A later campaign importing the contact meets the number on the list; the state view already shows it.
    const state = await portalA.get('/api/contacts/20003/state');
    expect(state.body.doNotCall).toMatchObject({ active: true, numbers: [{ reason: 'manual' }] });
  });

  it('sets a contact with no number through the HubSpot property alone', async () => {
    // 20013 has neither phone nor mobilephone in HubSpot.
    expect(sandbox.hubspot.contact(A, '20013')).toMatchObject({ phone: null, mobilephone: null });
    const answer = await portalA.put('/api/contacts/20013/do-not-call', { doNotCall: true });
    expect(answer.status).toBe(200);
    expect(answer.body.doNotCall).toMatchObject({
      active: true,
      numbers: [],
      hubspot: { status: 'pending' },
    });
    expect(await suppressions(A)).toEqual([]);
    expect(await runSyncJobs()).toEqual(['written']);
    expect(writesTo(A, '20013')).toEqual([{ fundraising_do_not_call: 'true' }]);
  });

  it('keeps a stronger reason already on the list: an opt-out stays an opt-out', async () => {
    await db.pool.query(
      `INSERT INTO suppressions (portal_id, phone_e164, reason, source) VALUES ($1, $2, 'opted_out', 'a1')`,
      [A, phoneOf('20001')],
    );
    expect((await portalA.put('/api/contacts/20001/do-not-call', { doNotCall: true })).status).toBe(200);
    expect(await suppressions(A)).toEqual([
      { phone_e164: phoneOf('20001'), reason: 'opted_out', source: 'a1' },
    ]);
  });
});

describe('clearing do-not-call', () => {
  it('removes a manual do-not-call, writes false to HubSpot, and the contact is dialled again', async () => {
    await portalA.put('/api/contacts/20001/do-not-call', { doNotCall: true });
    await runSyncJobs();
    await queued('20001');
    const cleared = await portalA.put('/api/contacts/20001/do-not-call', {
      doNotCall: false,
      reason: 'Mistake',
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.doNotCall).toMatchObject({
      active: false,
      numbers: [],
      lastChange: { doNotCall: false, reason: 'Mistake', byUserId: 7001 },
      hubspot: { status: 'pending' },
    });
    expect(await suppressions(A)).toEqual([]);
    expect(await runSyncJobs()).toEqual(['written']);
    expect(writesTo(A, '20001')).toEqual([
      { fundraising_do_not_call: 'true' },
      { fundraising_do_not_call: 'false' },
    ]);
    expect((await dispatchTick(service.engine)).claimed).toBe(1);
  });

  it('refuses to undo a donor’s own opt-out without the explicit override, changing nothing', async () => {
    await db.pool.query(
      `INSERT INTO suppressions (portal_id, phone_e164, reason, source) VALUES ($1, $2, 'opted_out', 'attempt-9')`,
      [A, phoneOf('20001')],
    );
    const before = await tableCounts(service);
    const refused = await portalA.put('/api/contacts/20001/do-not-call', { doNotCall: false });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'donor_opted_out', field: 'overrideOptOut' });
    expect(await tableCounts(service)).toEqual(before);
    expect(await syncJobs()).toEqual([]);

    const overridden = await portalA.put('/api/contacts/20001/do-not-call', {
      doNotCall: false,
      overrideOptOut: true,
      reason: 'Donor asked in writing to be called again',
    });
    expect(overridden.status).toBe(200);
    expect(await suppressions(A)).toEqual([]);
    const change = await db.pool.query(
      'SELECT user_id, override_opt_out, removed FROM contact_do_not_call_changes',
    );
    expect(change.rows).toEqual([
      {
        user_id: 7001,
        override_opt_out: true,
        removed: [{ phone: phoneOf('20001'), reason: 'opted_out', source: 'attempt-9' }],
      },
    ]);
  });

  it('keeps a wrong-number entry, and a household line another contact’s do-not-call still covers', async () => {
    // 990001 shares 20001's line (a household); it is only in our campaign, not in HubSpot.
    const other = await insertCampaign(db.pool, { portalId: A });
    await insertContacts(db.pool, A, other, [{ contactId: '990001', phone: phoneOf('20001') }]);
    await db.pool.query(
      `INSERT INTO suppressions (portal_id, phone_e164, reason, source) VALUES ($1, $2, 'wrong_number', 'a2')`,
      [A, phoneOf('20002')],
    );
    await portalA.put('/api/contacts/20001/do-not-call', { doNotCall: true });
    await portalA.put('/api/contacts/990001/do-not-call', { doNotCall: true });
    const clearedFirst = await portalA.put('/api/contacts/20001/do-not-call', { doNotCall: false });
    expect(clearedFirst.body.doNotCall.active).toBe(true);
    expect(await suppressions(A)).toContainEqual({
      phone_e164: phoneOf('20001'),
      reason: 'manual',
      source: 'user:7001',
    });
    await portalA.put('/api/contacts/990001/do-not-call', { doNotCall: false });
    expect((await suppressions(A)).map((s) => s.phone_e164)).not.toContain(phoneOf('20001'));

    await queued('20002');
    const wrong = await portalA.put('/api/contacts/20002/do-not-call', { doNotCall: false });
    expect(wrong.status).toBe(200);
    expect(wrong.body.doNotCall).toMatchObject({ active: true, numbers: [{ reason: 'wrong_number' }] });
  });
});

describe('do-not-call across portals', () => {
  it('a contact only portal A has is a 404 for portal B, and nothing is written', async () => {
    const campaign = await insertCampaign(db.pool, { portalId: A });
    await insertContacts(db.pool, A, campaign, [{ contactId: '990002', phone: '+12125559876' }]);
    const before = await tableCounts(service);
    const fromB = await portalB.put('/api/contacts/990002/do-not-call', { doNotCall: true });
    expect(fromB.status).toBe(404);
    expect(await tableCounts(service)).toEqual(before);
    expect(await syncJobs()).toEqual([]);
  });

  it('B setting its own contact of the same id writes B’s list and B’s HubSpot, never A’s', async () => {
    await queued('20001');
    const fromB = await portalB.put('/api/contacts/20001/do-not-call', { doNotCall: true });
    expect(fromB.status).toBe(200);
    await runSyncJobs();
    expect(await suppressions(A)).toEqual([]);
    expect(await suppressions(SECOND_PORTAL_ID)).toHaveLength(1);
    expect(writesTo(A, '20001')).toEqual([]);
    expect(writesTo(SECOND_PORTAL_ID, '20001')).toEqual([{ fundraising_do_not_call: 'true' }]);
    const stateA = await portalA.get('/api/contacts/20001/state');
    expect(stateA.body.doNotCall).toEqual({ active: false, numbers: [], lastChange: null, hubspot: null });
    expect((await dispatchTick(service.engine)).claimed).toBe(1);
  });
});

describe('malformed do-not-call requests', () => {
  it('answer 400 naming the field and change nothing', async () => {
    await queued('20001');
    const before = await tableCounts(service);
    const cases: [string, string, unknown][] = [
      ['doNotCall', '20001', { doNotCall: 'yes' }],
      ['doNotCall', '20001', {}],
      ['doNotCall', '20001', undefined],
      ['reason', '20001', { doNotCall: true, reason: 'x'.repeat(501) }],
      ['reason', '20001', { doNotCall: true, reason: 42 }],
      ['overrideOptOut', '20001', { doNotCall: false, overrideOptOut: 'please' }],
      ['contactId', 'abc', { doNotCall: true }],
    ];
    for (const [field, contactId, body] of cases) {
      const answer = await portalA.send(portalA.sign('PUT', `/api/contacts/${contactId}/do-not-call`, body));
      expect({ field, status: answer.status, named: answer.body.error?.field }).toEqual({
        field,
        status: 400,
        named: field,
      });
    }
    expect(await tableCounts(service)).toEqual(before);
    expect(await syncJobs()).toEqual([]);
  });
});
