import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertCampaign,
  insertContacts,
  TUESDAY_AFTERNOON_NY,
} from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { ManualClock } from '../../../test/helpers/engine.js';
import { sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { signedApi } from '../../../test/helpers/signed-api.js';
import { waitUntil } from '../../../test/helpers/wait.js';
import { type RunningService, startService } from '../../src/runtime.js';
import { createDemoPortal, SECOND_PORTAL_ID } from '../../src/sandbox/index.js';
import { demoContacts } from './helpers.js';

const HOUR = 3_600_000;
let db: TestDatabase;
let service: RunningService;
let api: ReturnType<typeof signedApi>;
let portalId: number;
let campaign: string;
const clock = new ManualClock(TUESDAY_AFTERNOON_NY);
let keys = 0;
const key = () => `call-now-key-${++keys}`;
const phoneOf = (contactId: string) => createDemoPortal().contact(contactId)?.properties.phone ?? '';

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db),
    logger: silentLogger,
    clock,
    startDispatcher: false,
    // Calls as long as real ones (20 s and up): a call placed here is still on when the test clicks again, however
    // slow the machine (at the default 1/100 it could end first, and a second call was then allowed).
    sandboxTimeScale: 1,
  });
  const demo = service.integrations.sandbox!.demoPortal;
  portalId = demo.portalId;
  api = signedApi(service, portalId);
  // 09:00–20:00 every day, consent required, as the demo's contacts are set up for.
  campaign = await insertCampaign(db.pool, {
    portalId,
    agentId: demo.agentId,
    phoneNumberId: demo.phoneNumberId,
    requireConsent: true,
    startMinute: 9 * 60,
    endMinute: 20 * 60,
  });
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

const callNow = (contactId: string, campaignId = campaign, idempotencyKey = key()) =>
  api.post(`/api/contacts/${contactId}/call-now`, { campaignId, idempotencyKey });

describe('POST /api/contacts/:contactId/call-now: every rule the dispatcher applies', () => {
  it('refuses outside the calling window and says when it opens in the contact’s time', async () => {
    const [contactId] = demoContacts('callable', 1, 10);
    clock.set(Date.parse('2026-12-01T08:00:00Z')); // 03:00 in New York
    try {
      const answer = await callNow(contactId!);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        status: 'refused',
        rule: 'outside_window',
        nextAllowedAt: '2026-12-01T14:00:00.000Z', // 09:00 in New York
        contactId,
        campaignId: campaign,
      });
    } finally {
      clock.set(TUESDAY_AFTERNOON_NY);
    }
  });

  it('refuses a do-not-call contact and one without consent, with no time to wait for', async () => {
    const dnc = await callNow(demoContacts('do_not_call', 1)[0]!);
    expect(dnc.body).toMatchObject({ status: 'refused', rule: 'do_not_call', nextAllowedAt: null });
    const noConsent = await callNow(demoContacts('no_consent', 1)[0]!);
    expect(noConsent.body).toMatchObject({ status: 'refused', rule: 'no_consent', nextAllowedAt: null });
    const [listed] = demoContacts('callable', 1, 11);
    await db.pool.query(
      `INSERT INTO suppressions (portal_id, phone_e164, reason) VALUES ($1, $2, 'manual')`,
      [portalId, phoneOf(listed!)],
    );
    expect((await callNow(listed!)).body).toMatchObject({ rule: 'do_not_call', nextAllowedAt: null });
  });

  it('refuses a number dialled up to the frequency cap until its oldest dial is 24 hours old', async () => {
    const [contactId] = demoContacts('callable', 1, 12);
    const phone = phoneOf(contactId!);
    const other = await insertCampaign(db.pool, { portalId });
    const [row] = await insertContacts(db.pool, portalId, other, [{ phone, state: 'done' }]);
    const oldest = clock.now() - 3 * HOUR;
    for (const at of [oldest, clock.now() - 2 * HOUR, clock.now() - HOUR]) {
      await db.pool.query(
        `INSERT INTO call_attempts (portal_id, campaign_id, campaign_contact_id, contact_id, phone_e164, phone_number_id,
                                    status, outcome, dial_started_at, ended_at)
         VALUES ($1, $2, $3, $4, $5, 'phnum', 'ended', 'no_answer', $6, $6)`,
        [portalId, other, row, contactId, phone, new Date(at)],
      );
    }
    expect((await callNow(contactId!)).body).toMatchObject({
      status: 'refused',
      rule: 'frequency_cap',
      nextAllowedAt: new Date(oldest + 24 * HOUR).toISOString(),
    });
  });

  it('refuses when the campaign is at its concurrency cap', async () => {
    const demo = service.integrations.sandbox!.demoPortal;
    const busy = await insertCampaign(db.pool, { portalId, concurrencyCap: 1, agentId: demo.agentId });
    const [row] = await insertContacts(db.pool, portalId, busy, [
      { phone: '+12125550177', state: 'dialing' },
    ]);
    await db.pool.query(
      `INSERT INTO call_attempts (portal_id, campaign_id, campaign_contact_id, contact_id, phone_e164, phone_number_id,
                                  status, dial_started_at, placed_at)
       VALUES ($1, $2, $3, '12125550177', '+12125550177', 'phnum', 'placed', $4, $4)`,
      [portalId, busy, row, new Date(clock.now())],
    );
    expect((await callNow(demoContacts('callable', 1, 13)[0]!, busy)).body).toMatchObject({
      status: 'refused',
      rule: 'concurrency',
      nextAllowedAt: null,
    });
  });

  it('places exactly one call when every rule allows it, however often the request is retried, and records who asked', async () => {
    const [contactId] = demoContacts('callable', 1, 14);
    const idempotencyKey = key();
    const [first, second] = await Promise.all([
      callNow(contactId!, campaign, idempotencyKey),
      callNow(contactId!, campaign, idempotencyKey),
    ]);
    expect(first.body).toMatchObject({ status: 'dialing', contactId, campaignId: campaign });
    expect(second.body).toEqual(first.body);
    const attemptId: string = first.body.attemptId;
    const dials = service.integrations.sandbox!.elevenlabs.record.dials;
    await waitUntil(
      async () =>
        (await db.pool.query('SELECT status FROM call_attempts WHERE id = $1', [attemptId])).rows[0]
          ?.status === 'placed',
      { timeoutMs: 30_000, what: 'the call placed' },
    );
    expect((await callNow(contactId!, campaign, idempotencyKey)).body).toEqual(first.body);
    expect(dials.filter((d) => d.toNumber === phoneOf(contactId!))).toHaveLength(1);
    expect(dials.find((d) => d.userId === attemptId)).toBeDefined();
    const request = await db.pool.query(
      'SELECT user_id, attempt_id::text FROM call_now_requests WHERE idempotency_key = $1',
      [idempotencyKey],
    );
    expect(request.rows).toEqual([{ user_id: 7001, attempt_id: attemptId }]);
    const change = await db.pool.query(
      `SELECT user_id, detail FROM campaign_changes WHERE campaign_id = $1 AND action = 'call_now' AND detail->>'attemptId' = $2`,
      [campaign, attemptId],
    );
    expect(change.rows).toEqual([{ user_id: 7001, detail: { contactId, attemptId } }]);
    // A second click (a new key) while the call is on: the number is in a call.
    expect((await callNow(contactId!)).body).toMatchObject({ status: 'refused', rule: 'in_call' });
  });

  it("answers 404 for another portal's campaign and 400 naming the field for a malformed request", async () => {
    await db.pool.query(
      `INSERT INTO portals (portal_id, auth_kind) VALUES ($1, 'sandbox') ON CONFLICT DO NOTHING`,
      [SECOND_PORTAL_ID],
    );
    const theirs = await insertCampaign(db.pool, { portalId: SECOND_PORTAL_ID });
    const [contactId] = demoContacts('callable', 1, 15);
    const notOurs = await callNow(contactId!, theirs);
    expect({ status: notOurs.status, code: notOurs.body.error.code }).toEqual({
      status: 404,
      code: 'not_found',
    });
    const noKey = await api.post(`/api/contacts/${contactId}/call-now`, { campaignId: campaign });
    expect({ status: noKey.status, field: noKey.body.error.field }).toEqual({
      status: 400,
      field: 'idempotencyKey',
    });
    const badContact = await callNow('not-a-contact');
    expect({ status: badContact.status, field: badContact.body.error.field }).toEqual({
      status: 400,
      field: 'contactId',
    });
  });
});
