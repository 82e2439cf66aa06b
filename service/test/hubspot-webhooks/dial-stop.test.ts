import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  insertCampaign,
  insertContacts,
  TUESDAY_AFTERNOON_NY,
  usPhone,
} from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { ManualClock } from '../../../test/helpers/engine.js';
import { callableDemoContacts, sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { dispatchTick } from '../../src/campaigns/dispatch/dispatch-tick.js';
import { storeDialChecks } from '../../src/campaigns/placement/crm-dial-check.js';
import { prefetchDialChecks } from '../../src/campaigns/placement/dial-check-prefetch.js';
import { placeCall } from '../../src/campaigns/placement/place-call.js';
import { PLACE_CALL_QUEUE } from '../../src/campaigns/placement/placement-queue.js';
import { type RunningService, startService } from '../../src/runtime.js';
import type { Sandbox } from '../../src/sandbox/index.js';

/**
 * The done-when: a do-not-call (or consent) change HubSpot reports by webhook binds the very next dial,
 * even when a batched HubSpot read younger than the age limit says the contact may be called. The test drives
 * the dispatcher's tick and the placement itself (no workers), so the order is exactly: webhook acknowledged,
 * tick, placement; the fake ElevenLabs records every dial that reaches it.
 */

const clock = new ManualClock(TUESDAY_AFTERNOON_NY);
let db: TestDatabase;
let service: RunningService;
let sandbox: Sandbox;
let portalId: number;
const people = callableDemoContacts(8);
let nextPerson = 0;
/** A fresh callable demo contact (do-not-call false, consent true in the fake) per use. */
const person = (): string => {
  const id = people[nextPerson++];
  if (!id) throw new Error('out of callable demo contacts');
  return id;
};

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db),
    logger: silentLogger,
    clock,
    startDispatcher: false,
    workers: [],
    // A dial may rely on a batched read up to a minute old: the case the webhooks exist for.
    engineSettings: { dialCheckMaxAgeMs: 60_000 },
  });
  sandbox = service.integrations.sandbox!;
  portalId = sandbox.demoPortal.portalId;
});
afterEach(async () => {
  clock.set(TUESDAY_AFTERNOON_NY);
  await db.pool.query('TRUNCATE campaigns, suppressions, caller_pacing, hubspot_webhook_events CASCADE');
  await service.boss.deleteAllJobs();
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

async function campaign(requireConsent = false): Promise<string> {
  return insertCampaign(db.pool, {
    portalId,
    agentId: sandbox.demoPortal.agentId,
    phoneNumberId: sandbox.demoPortal.phoneNumberId,
    requireConsent,
  });
}

/** One contact of the campaign, due `inMs` from now; returns its row id. */
async function queued(campaignId: string, contactId: string, phone: string, inMs = 1_000): Promise<string> {
  const [row] = await insertContacts(db.pool, portalId, campaignId, [
    { phone, contactId, nextAttemptAt: new Date(clock.now() + inMs) },
  ]);
  if (!row) throw new Error('no contact row');
  return row;
}

/** Reads the contacts due next from HubSpot as the pre-dial loop does, and checks the cached check says "call". */
async function prefetched(rowId: string): Promise<void> {
  await prefetchDialChecks(service.engine);
  const { rows } = await db.pool.query('SELECT crm_check FROM campaign_contacts WHERE id = $1', [rowId]);
  expect(rows[0]?.crm_check).toMatchObject({ dnc: 'false', consent: 'true' });
}

/** Runs every placement job the dispatcher queued, as the call-place worker would. */
async function placeQueued(): Promise<void> {
  const jobs = await service.boss.findJobs<{ attemptId: string; portalId: number }>(PLACE_CALL_QUEUE.name, {
    queued: true,
  });
  for (const job of jobs) await placeCall(service.engine, job.data);
}

const dialsTo = (phone: string) => sandbox.elevenlabs.record.dials.filter((d) => d.toNumber === phone);

async function contactRow(rowId: string) {
  const { rows } = await db.pool.query(
    'SELECT state, skip_reason, crm_check FROM campaign_contacts WHERE id = $1',
    [rowId],
  );
  return rows[0];
}

async function attemptsOf(rowId: string) {
  const { rows } = await db.pool.query(
    'SELECT status, not_placed_reason FROM call_attempts WHERE campaign_contact_id = $1',
    [rowId],
  );
  return rows;
}

describe('a do-not-call or consent change by webhook binds the next dial', () => {
  it('control: without the webhook, a fresh batched read lets a dial through that HubSpot now forbids', async () => {
    const contactId = person();
    const phone = usPhone(101);
    const row = await queued(await campaign(), contactId, phone);
    await prefetched(row);
    // Changed in HubSpot, but the webhook is lost: only the cached read speaks for the contact.
    await service.integrations.hubspot
      .forPortal(portalId)
      .batchUpdateContacts([{ id: contactId, properties: { fundraising_do_not_call: 'true' } }]);
    clock.advance(1_000);
    expect((await dispatchTick(service.engine)).claimed).toBe(1);
    await placeQueued();
    expect(dialsTo(phone)).toHaveLength(1);
  });

  it('stops a dial due in the next second when do-not-call is set just before', async () => {
    const contactId = person();
    const phone = usPhone(102);
    const row = await queued(await campaign(), contactId, phone);
    await prefetched(row);
    const change = await sandbox.hubspot.changeContact(portalId, contactId, {
      fundraising_do_not_call: 'true',
    });
    expect(change.deliveries.map((d) => d.status)).toEqual([200]);

    clock.advance(1_000);
    await dispatchTick(service.engine);
    await placeQueued();
    expect(dialsTo(phone)).toEqual([]);
    expect(await contactRow(row)).toMatchObject({ state: 'skipped', skip_reason: 'suppressed' });
    const { rows } = await db.pool.query('SELECT reason, source FROM suppressions WHERE phone_e164 = $1', [
      phone,
    ]);
    expect(rows).toEqual([{ reason: 'hubspot_property', source: contactId }]);
  });

  it('stops a dial already claimed when do-not-call is set before the placement runs', async () => {
    const contactId = person();
    const phone = usPhone(103);
    const row = await queued(await campaign(), contactId, phone, 0);
    await prefetched(row);
    expect((await dispatchTick(service.engine)).claimed).toBe(1);
    await sandbox.hubspot.changeContact(portalId, contactId, { fundraising_do_not_call: 'true' });

    await placeQueued();
    expect(dialsTo(phone)).toEqual([]);
    expect(await attemptsOf(row)).toEqual([{ status: 'not_placed', not_placed_reason: 'do_not_call_list' }]);
    expect(await contactRow(row)).toMatchObject({ state: 'skipped', skip_reason: 'suppressed' });
  });

  it('stops a dial due in the next second when consent is withdrawn just before', async () => {
    const contactId = person();
    const phone = usPhone(104);
    const row = await queued(await campaign(true), contactId, phone);
    await prefetched(row);
    await sandbox.hubspot.changeContact(portalId, contactId, { ai_call_consent: 'false' });
    // The cached read that said "consent: true" is gone: the dial must ask HubSpot.
    expect((await contactRow(row))?.crm_check).toBeNull();

    clock.advance(1_000);
    expect((await dispatchTick(service.engine)).claimed).toBe(1);
    await placeQueued();
    expect(dialsTo(phone)).toEqual([]);
    expect(await contactRow(row)).toMatchObject({ state: 'skipped', skip_reason: 'no_consent' });
  });

  it('does not keep a HubSpot read sent before the change over it (a pre-dial read racing the webhook)', async () => {
    const contactId = person();
    const row = await queued(await campaign(true), contactId, usPhone(105));
    const readSentAt = clock.now();
    clock.advance(200);
    await sandbox.hubspot.changeContact(portalId, contactId, { ai_call_consent: 'false' });
    const stale = { dncProperty: 'fundraising_do_not_call', consentProperty: 'ai_call_consent' };
    const check = { ...stale, dnc: 'false', consent: 'true' };
    await storeDialChecks(db.pool, String(portalId), [{ campaignContactId: row, check }], readSentAt);
    expect((await contactRow(row))?.crm_check).toBeNull();
    // A read sent after the change is kept as usual.
    clock.advance(200);
    const fresh = { ...stale, dnc: 'false', consent: 'false' };
    await storeDialChecks(db.pool, String(portalId), [{ campaignContactId: row, check: fresh }], clock.now());
    expect((await contactRow(row))?.crm_check).toEqual(fresh);
  });

  it('clearing do-not-call takes off only what the property put on the list, never a donor’s own opt-out', async () => {
    const contactId = person();
    const campaignId = await campaign();
    await queued(campaignId, contactId, usPhone(106));
    await sandbox.hubspot.changeContact(portalId, contactId, { fundraising_do_not_call: 'true' });
    const listed = await db.pool.query('SELECT reason FROM suppressions WHERE phone_e164 = $1', [
      usPhone(106),
    ]);
    expect(listed.rows).toEqual([{ reason: 'hubspot_property' }]);
    const other = person();
    await queued(campaignId, other, usPhone(107));
    await db.pool.query(
      `INSERT INTO suppressions (portal_id, phone_e164, reason, source) VALUES ($1, $2, 'opted_out', 'attempt-1')`,
      [portalId, usPhone(107)],
    );
    await sandbox.hubspot.changeContact(portalId, contactId, { fundraising_do_not_call: 'false' });
    await sandbox.hubspot.changeContact(portalId, other, { fundraising_do_not_call: 'false' });
    const { rows } = await db.pool.query('SELECT phone_e164, reason FROM suppressions ORDER BY phone_e164');
    expect(rows).toEqual([{ phone_e164: usPhone(107), reason: 'opted_out' }]);
  });
});

describe('a contact deleted in HubSpot', () => {
  it('is never dialled again: waiting rows are skipped and a claimed dial is cancelled; history is kept', async () => {
    const contactId = person();
    const phone = usPhone(110);
    const later = await queued(await campaign(), contactId, phone, 3_600_000);
    const now = await queued(await campaign(), contactId, phone, 0);
    const [done] = await insertContacts(db.pool, portalId, await campaign(), [
      { phone, contactId, state: 'done' },
    ]);
    expect((await dispatchTick(service.engine)).claimed).toBe(1);

    const deletion = await sandbox.hubspot.deleteContact(portalId, contactId);
    expect(deletion.deliveries.map((d) => d.status)).toEqual([200]);
    await placeQueued();
    clock.advance(3_600_000);
    await dispatchTick(service.engine);
    await placeQueued();

    expect(dialsTo(phone)).toEqual([]);
    expect(await contactRow(later)).toMatchObject({ state: 'skipped', skip_reason: 'contact_deleted' });
    expect(await contactRow(now)).toMatchObject({ state: 'skipped', skip_reason: 'contact_deleted' });
    expect(await attemptsOf(now)).toEqual([{ status: 'not_placed', not_placed_reason: 'contact_deleted' }]);
    expect(await contactRow(done ?? '')).toMatchObject({ state: 'done' });
  });
});
