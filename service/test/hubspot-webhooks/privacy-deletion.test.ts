import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertCampaign,
  insertContacts,
  TUESDAY_AFTERNOON_NY,
  usPhone,
} from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { ManualClock } from '../../../test/helpers/engine.js';
import { callableDemoContacts, sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { waitUntil } from '../../../test/helpers/wait.js';
import { dispatchTick } from '../../src/campaigns/dispatch/dispatch-tick.js';
import { campaignStats } from '../../src/campaigns/index.js';
import { signElevenLabsPayload } from '../../src/elevenlabs/index.js';
import { eraseContact } from '../../src/hubspot-webhooks/erase-contact.js';
import { type RunningService, startService } from '../../src/runtime.js';
import type { Sandbox } from '../../src/sandbox/index.js';

/**
 * The done-when: after a HubSpot privacy deletion no row of any table (ours and pg-boss's, every column)
 * holds the person's phone number or name, while the campaign's counts still add up and the number stays off
 * limits. The person's data is put where the service really puts it: a call's post-call webhook (transcript,
 * summary, numbers, variables) processed into an outcome and a write-back, the do-not-call list, HubSpot's own
 * events, and campaign rows in several states.
 */

const SECRET = 'whsec_privacy_test';
const clock = new ManualClock(TUESDAY_AFTERNOON_NY);
let db: TestDatabase;
let service: RunningService;
let sandbox: Sandbox;
let portalId: number;
const [personA, personB, personC, bystander, newcomer] = callableDemoContacts(5);

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db, { ELEVENLABS_WEBHOOK_SECRET: SECRET }),
    logger: silentLogger,
    clock,
    startDispatcher: false,
  });
  sandbox = service.integrations.sandbox!;
  portalId = sandbox.demoPortal.portalId;
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

const nowSecs = () => Math.floor(clock.now() / 1000);
let conversationSeq = 0;

/** A contact row (with name and variables) and a call to it that ElevenLabs has placed. */
async function placedCall(campaignId: string, contactId: string, phone: string, name: string) {
  const [row] = await insertContacts(db.pool, portalId, campaignId, [{ phone, contactId, state: 'dialing' }]);
  await db.pool.query(
    `UPDATE campaign_contacts SET first_name = $2, variables = jsonb_build_object('first_name', $2::text,
            'last_gift', '$40 in May') WHERE id = $1`,
    [row, name],
  );
  conversationSeq += 1;
  const conversationId = `conv_privacy_${conversationSeq}`;
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO call_attempts (portal_id, campaign_id, campaign_contact_id, contact_id, phone_e164, phone_number_id,
        status, conversation_id, claimed_at, dial_started_at, placed_at, not_placed_reason)
     VALUES ($1, $2, $3, $4, $5, 'phnum_test', 'placed', $6, $7, $7, $7, $8) RETURNING id::text`,
    [portalId, campaignId, row, contactId, phone, conversationId, new Date(clock.now()), `earlier: ${phone}`],
  );
  return { row: row ?? '', attemptId: rows[0]?.id ?? '', conversationId };
}

/** ElevenLabs' post-call webhook of that call, as the real one carries the person: name, number, variables. */
async function callEnds(call: { attemptId: string; conversationId: string }, phone: string, name: string) {
  const body = JSON.stringify({
    type: 'post_call_transcription',
    event_timestamp: nowSecs(),
    data: {
      agent_id: 'agent_test',
      conversation_id: call.conversationId,
      status: 'done',
      user_id: call.attemptId,
      transcript: [
        { role: 'agent', message: `Hi ${name}, this is Ava from Riverside Food Bank.`, time_in_call_secs: 0 },
        { role: 'user', message: 'Yes, put me down for seventy-five.', time_in_call_secs: 16 },
      ],
      metadata: {
        start_time_unix_secs: nowSecs() - 94,
        call_duration_secs: 94,
        cost: 412,
        phone_call: {
          type: 'twilio',
          direction: 'outbound',
          agent_number: '+15551230000',
          external_number: phone,
        },
      },
      analysis: {
        call_successful: 'success',
        transcript_summary: `${name} pledged $75; call back at ${phone} about the receipt.`,
        data_collection_results: {
          pledge_amount: { data_collection_id: 'pledge_amount', value: 75, rationale: `${name} said so` },
        },
      },
      conversation_initiation_client_data: {
        user_id: call.attemptId,
        dynamic_variables: { first_name: name, attempt_id: call.attemptId, system__called_number: phone },
      },
    },
  });
  const res = await fetch(`${service.url}/webhooks/elevenlabs`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'elevenlabs-signature': signElevenLabsPayload(body, SECRET, nowSecs()),
    },
    body,
  });
  expect(res.status).toBe(200);
  await waitUntil(
    async () =>
      (
        await db.pool.query(`SELECT 1 FROM call_attempts WHERE id = $1 AND status = 'ended'`, [
          call.attemptId,
        ])
      ).rowCount === 1,
    { what: 'the call outcome', timeoutMs: 30_000 },
  );
}

/** Every column of every table (ours, pg-boss's) whose text holds the needle, as "schema.table.column: n". */
async function holders(needle: string): Promise<string[]> {
  const { rows: columns } = await db.pool.query<{
    table_schema: string;
    table_name: string;
    column_name: string;
  }>(
    `SELECT c.table_schema, c.table_name, c.column_name
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
      ORDER BY 1, 2, 3`,
  );
  expect(columns.length).toBeGreaterThan(100);
  const found: string[] = [];
  for (const c of columns) {
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${c.table_schema}"."${c.table_name}" WHERE "${c.column_name}"::text ILIKE $1`,
      [`%${needle}%`],
    );
    const n = rows[0]?.n ?? 0;
    if (n > 0) found.push(`${c.table_schema}.${c.table_name}.${c.column_name}: ${n}`);
  }
  return found;
}

const erasedAt = async (contactId: string) =>
  (
    await db.pool.query<{ erased_at: Date | null }>(
      'SELECT erased_at FROM contact_erasures WHERE portal_id = $1 AND contact_id = $2',
      [portalId, contactId],
    )
  ).rows[0]?.erased_at ?? null;

describe('a HubSpot privacy deletion', () => {
  const NAME = 'Quorra';
  const PHONE = usPhone(187);
  let campaignA: string;
  let campaignB: string;

  it('leaves no row in any table holding the person’s number or name, and keeps the counts', async () => {
    const contactId = personA ?? '';
    campaignA = await insertCampaign(db.pool, { portalId, retryPolicy: {} });
    campaignB = await insertCampaign(db.pool, { portalId });
    // A finished call: its post-call webhook, outcome (transcript, summary, numbers) and write-back.
    const call = await placedCall(campaignA, contactId, PHONE, NAME);
    await callEnds(call, PHONE, NAME);
    // The same person waiting in another campaign, a donor's own opt-out, and HubSpot's own event about them.
    const [waiting] = await insertContacts(db.pool, portalId, campaignB, [
      { phone: PHONE, contactId, nextAttemptAt: new Date(clock.now() + 3_600_000) },
    ]);
    await db.pool.query(`UPDATE campaign_contacts SET first_name = $2 WHERE id = $1`, [waiting, NAME]);
    await db.pool.query(
      `INSERT INTO suppressions (portal_id, phone_e164, reason, source) VALUES ($1, $2, 'opted_out', $3)`,
      [portalId, PHONE, call.attemptId],
    );
    // A fundraiser set do-not-call on them through the card, writing why.
    await db.pool.query(
      `INSERT INTO contact_do_not_call (portal_id, contact_id, do_not_call, reason, phones, properties, changed_at)
       VALUES ($1, $2, true, $3, ARRAY[$4], ARRAY['fundraising_do_not_call'], now())`,
      [portalId, contactId, `${NAME} asked by email`, PHONE],
    );
    await db.pool.query(
      `INSERT INTO contact_do_not_call_changes (portal_id, contact_id, do_not_call, reason, user_id, phones, removed, at)
       VALUES ($1, $2, true, $3, 7001, ARRAY[$4], jsonb_build_array(jsonb_build_object('phone', $4::text)), now())`,
      [portalId, contactId, `${NAME} asked by email`, PHONE],
    );
    // A workflow enrolled them with their name as a variable, and a fundraiser asked to call them now.
    await db.pool.query(
      `INSERT INTO workflow_enrolments (portal_id, callback_id, campaign_ref, campaign_id, contact_id, variables,
                                        status, outputs, execution_state, expires_at, received_at, updated_at)
       VALUES ($1, 'ap-1-2-3-0', $2::text, $2::uuid, $3, jsonb_build_object('first_name', $4::text), 'completed',
               jsonb_build_object('outcome', 'pledged', 'summary', $4::text || ' pledged'), 'SUCCESS',
               now() + interval '7 days', now(), now())`,
      [portalId, campaignA, contactId, NAME],
    );
    await db.pool.query(
      `INSERT INTO call_now_requests (portal_id, idempotency_key, campaign_id, contact_id, user_id, answer, created_at)
       VALUES ($1, 'call-now-0001', $2, $3, 7001, jsonb_build_object('message', 'calling ' || $4::text), now())`,
      [portalId, campaignA, contactId, PHONE],
    );
    await sandbox.hubspot.changeContact(portalId, contactId, { firstname: NAME, phone: PHONE });
    // Someone else, who must keep everything.
    const other = await placedCall(campaignA, bystander ?? '', usPhone(188), 'Bystander');
    await callEnds(other, usPhone(188), 'Bystander');

    expect(await holders(NAME)).not.toEqual([]);
    expect(await holders(PHONE)).not.toEqual([]);
    const before = await campaignStats(db.pool, portalId, campaignA, clock.now());

    const deletion = await sandbox.hubspot.deleteContact(portalId, contactId, { privacy: true });
    expect(deletion.events.map((e) => e.subscriptionType)).toEqual([
      'contact.privacyDeletion',
      'contact.deletion',
    ]);
    expect(deletion.deliveries.map((d) => d.status)).toEqual([200]);
    await waitUntil(async () => (await erasedAt(contactId)) !== null, {
      what: 'the erasure',
      timeoutMs: 30_000,
    });

    expect(await holders(NAME)).toEqual([]);
    expect(await holders(PHONE)).toEqual([]);
    expect(await holders(PHONE.slice(1))).toEqual([]); // the digits alone, as some payloads write numbers

    const after = await campaignStats(db.pool, portalId, campaignA, clock.now());
    expect(after).toMatchObject({
      contacts: before.contacts,
      outcomes: before.outcomes,
      pledges: before.pledges,
      attempts: before.attempts,
      cost: before.cost,
      averageCallSeconds: before.averageCallSeconds,
    });
    expect(before.pledges).toEqual({ count: 2, sum: 150 });
    const { rows } = await db.pool.query('SELECT state, skip_reason FROM campaign_contacts WHERE id = $1', [
      waiting,
    ]);
    expect(rows).toEqual([{ state: 'skipped', skip_reason: 'contact_deleted' }]);
    const event = await db.pool.query(
      `SELECT outcome FROM hubspot_webhook_events WHERE kind = 'contact_privacy_deletion' AND object_id = $1`,
      [contactId],
    );
    expect(event.rows).toEqual([{ outcome: 'applied: contact erased' }]);
    // The bystander keeps their data.
    expect((await holders('Bystander')).length).toBeGreaterThan(0);
    expect((await holders(usPhone(188))).length).toBeGreaterThan(0);
  });

  it('keeps the erased number off limits: a new contact with it is not called', async () => {
    const [row] = await insertContacts(db.pool, portalId, campaignB, [
      { phone: PHONE, contactId: newcomer ?? '' },
    ]);
    const tick = await dispatchTick(service.engine);
    expect(tick.claimed).toBe(0);
    const { rows } = await db.pool.query('SELECT state, skip_reason FROM campaign_contacts WHERE id = $1', [
      row,
    ]);
    expect(rows).toEqual([{ state: 'skipped', skip_reason: 'suppressed' }]);
    // The entry is a digest, never the number.
    const entries = await db.pool.query('SELECT phone_e164, reason FROM suppressions WHERE portal_id = $1', [
      portalId,
    ]);
    expect(entries.rows).toEqual([
      { phone_e164: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), reason: 'opted_out' },
    ]);
  });

  it('waits for a call under way to end, so its outcome cannot land after the erasure', async () => {
    const contactId = personB ?? '';
    const phone = usPhone(189);
    const call = await placedCall(campaignA, contactId, phone, 'Zebedee');
    await sandbox.hubspot.deleteContact(portalId, contactId, { privacy: true });
    expect(await eraseContact(service.engine, { portalId, contactId })).toBe('waiting');
    expect(await erasedAt(contactId)).toBeNull();

    await callEnds(call, phone, 'Zebedee');
    expect(await eraseContact(service.engine, { portalId, contactId })).toBe('erased');
    expect(await holders('Zebedee')).toEqual([]);
    expect(await holders(phone)).toEqual([]);
  });

  it('does not wait without end: a call still unsettled a day later is erased anyway', async () => {
    const contactId = personC ?? '';
    const phone = usPhone(190);
    await placedCall(campaignA, contactId, phone, 'Ignatius');
    await sandbox.hubspot.deleteContact(portalId, contactId, { privacy: true });
    expect(await eraseContact(service.engine, { portalId, contactId })).toBe('waiting');
    clock.advance(25 * 3_600_000);
    expect(await eraseContact(service.engine, { portalId, contactId })).toBe('erased');
    expect(await holders('Ignatius')).toEqual([]);
    expect(await holders(phone)).toEqual([]);
  });
});
