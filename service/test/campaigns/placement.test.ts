import type { PgBoss } from 'pg-boss';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  insertCampaign,
  insertContacts,
  insertPortal,
  TUESDAY_AFTERNOON_NY,
  usPhone,
} from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.js';
import { engineDeps, ManualClock, queuedJobs } from '../../../test/helpers/engine.js';
import { dispatchTick } from '../../src/campaigns/dispatch/dispatch-tick.js';
import { dialsHeldUntil, holdDials } from '../../src/campaigns/placement/dial-hold.js';
import { type PlacementStep, placeCall } from '../../src/campaigns/placement/place-call.js';
import { RECONCILE_DIAL_QUEUE } from '../../src/campaigns/placement/placement-queue.js';
import { reconcileDial, StillUnknownError } from '../../src/campaigns/placement/reconcile-dial.js';
import { sweepStuckAttempts } from '../../src/campaigns/placement/sweep-stuck-attempts.js';
import type { ServiceDeps } from '../../src/core/deps.js';
import type {
  ConversationPage,
  DialResult,
  ElevenLabsApi,
  OutboundCallRequest,
} from '../../src/elevenlabs/index.js';
import type { HubSpotPortalClient } from '../../src/hubspot/index.js';

const PORTAL = 601;
let db: TestDatabase;
let deps: ServiceDeps & { boss: PgBoss };
const clock = new ManualClock(TUESDAY_AFTERNOON_NY);

/** ElevenLabs as these tests need it: a scripted dial answer and conversations to reconcile against. */
class StubElevenLabs implements Partial<ElevenLabsApi> {
  dials: OutboundCallRequest[] = [];
  answer: DialResult = { kind: 'placed', conversationId: 'conv_1', callSid: 'CA1', sipCallId: null };
  conversations: ConversationPage = { conversations: [], nextCursor: null, hasMore: false };
  async placeOutboundCall(req: OutboundCallRequest): Promise<DialResult> {
    this.dials.push(req);
    if (this.answer.kind === 'placed') return { ...this.answer, conversationId: `conv_${this.dials.length}` };
    return this.answer;
  }
  async listConversations(): Promise<ConversationPage> {
    return this.conversations;
  }
}

/** HubSpot's view of the contact at dial time. */
let crm: { properties: Record<string, string | null> } | 'missing' | 'down' = { properties: {} };
const hubspot = {
  forPortal: () =>
    ({
      batchReadContacts: async (ids: string[]) => {
        if (crm === 'down') throw new Error('HubSpot 503');
        if (crm === 'missing') return { contacts: [], missingIds: ids };
        return { contacts: [{ id: ids[0] ?? '', properties: crm.properties }], missingIds: [] };
      },
    }) as unknown as HubSpotPortalClient,
};
const elevenlabs = new StubElevenLabs();

beforeAll(async () => {
  db = await createTestDatabase();
  deps = await engineDeps(db, {
    clock,
    elevenlabs: elevenlabs as unknown as ElevenLabsApi,
    hubspot,
    settings: { accountConcurrencyCap: 50, unknownDialGraceMs: 120_000 },
  });
  await insertPortal(db.pool, PORTAL);
});
afterEach(async () => {
  clock.set(TUESDAY_AFTERNOON_NY);
  elevenlabs.dials = [];
  elevenlabs.answer = { kind: 'placed', conversationId: 'conv_1', callSid: 'CA1', sipCallId: null };
  elevenlabs.conversations = { conversations: [], nextCursor: null, hasMore: false };
  crm = { properties: {} };
  await db.pool.query('TRUNCATE campaigns, suppressions, caller_pacing, provider_backoff CASCADE');
  await deps.boss.deleteAllJobs();
});
afterAll(async () => {
  await deps.boss.stop({ graceful: false, timeout: 1000 });
  await db.drop();
});

/** A campaign with one due contact, claimed by a dispatch tick: returns the attempt id. */
async function claimedAttempt(
  campaign: Parameters<typeof insertCampaign>[1] = { portalId: PORTAL },
  zones = ['America/New_York'],
): Promise<string> {
  const id = await insertCampaign(db.pool, campaign);
  await insertContacts(db.pool, PORTAL, id, [{ phone: usPhone(42), zones, contactId: '4242' }]);
  expect((await dispatchTick(deps)).claimed).toBe(1);
  const row = (await db.pool.query<{ id: string }>(`SELECT id::text FROM call_attempts`)).rows[0];
  if (!row) throw new Error('no attempt');
  return row.id;
}

const attempt = async (id: string) =>
  (
    await db.pool.query<{ status: string; conversation_id: string | null; not_placed_reason: string | null }>(
      'SELECT status, conversation_id, not_placed_reason FROM call_attempts WHERE id = $1',
      [id],
    )
  ).rows[0];
const contact = async () =>
  (
    await db.pool.query<{
      state: string;
      attempts: number;
      next_attempt_at: Date | null;
      wait_reason: string | null;
      skip_reason: string | null;
      last_outcome: string | null;
    }>(
      'SELECT state, attempts, next_attempt_at, wait_reason, skip_reason, last_outcome FROM campaign_contacts',
    )
  ).rows[0];

describe('placing a call', () => {
  it('dials once with the contact’s variables and our attempt id, and stores the conversation id', async () => {
    const id = await claimedAttempt();
    await placeCall(deps, { attemptId: id, portalId: PORTAL });
    expect(elevenlabs.dials).toHaveLength(1);
    expect(elevenlabs.dials[0]).toMatchObject({
      toNumber: usPhone(42),
      userId: id,
      ringingTimeoutSecs: 30,
      dynamicVariables: { first_name: 'Donor 4242', campaign_name: 'test campaign' },
    });
    expect(await attempt(id)).toMatchObject({ status: 'placed', conversation_id: 'conv_1' });
    expect(await contact()).toMatchObject({ state: 'dialing', attempts: 1 });
  });

  it("sends the campaign's first message with the dial, and none when the campaign keeps the agent's own", async () => {
    const withOwn = await claimedAttempt();
    await placeCall(deps, { attemptId: withOwn, portalId: PORTAL });
    expect(elevenlabs.dials[0]).not.toHaveProperty('firstMessage');

    await db.pool.query('TRUNCATE campaigns CASCADE');
    const id = await claimedAttempt();
    // Edited after the claim: the dial reads the campaign as it is when the call leaves.
    await db.pool.query(`UPDATE campaigns SET first_message = 'Hi {{first_name}}, a quick thank-you call'`);
    await placeCall(deps, { attemptId: id, portalId: PORTAL });
    expect(elevenlabs.dials[1]).toMatchObject({ firstMessage: 'Hi {{first_name}}, a quick thank-you call' });
  });

  it('running the job again after a placed call does not dial again', async () => {
    const id = await claimedAttempt();
    await placeCall(deps, { attemptId: id, portalId: PORTAL });
    await placeCall(deps, { attemptId: id, portalId: PORTAL });
    expect(elevenlabs.dials).toHaveLength(1);
  });

  it('gives the slot back on at-capacity without counting an attempt, and retries shortly', async () => {
    elevenlabs.answer = {
      kind: 'at-capacity',
      retryAfterMs: 7_000,
      code: 'too_many_concurrent_requests',
      message: 'busy',
    };
    const id = await claimedAttempt();
    await placeCall(deps, { attemptId: id, portalId: PORTAL });
    expect((await attempt(id))?.status).toBe('not_placed');
    expect(await contact()).toMatchObject({
      state: 'queued',
      attempts: 0,
      wait_reason: 'at_capacity',
      next_attempt_at: new Date(TUESDAY_AFTERNOON_NY + 7_000),
    });
    // The Retry-After holds every dial of the account, in every process: no claims, and a claim made before the
    // 429 is given back to wait it out rather than dialled.
    expect(await dialsHeldUntil(db.pool, TUESDAY_AFTERNOON_NY)).toBe(TUESDAY_AFTERNOON_NY + 7_000);
    await db.pool.query(`UPDATE campaign_contacts SET next_attempt_at = $1`, [
      new Date(TUESDAY_AFTERNOON_NY),
    ]);
    expect((await dispatchTick(deps)).claimed).toBe(0);
    await db.pool.query('TRUNCATE provider_backoff, campaigns CASCADE');
    const second = await claimedAttempt();
    await holdDials(db.pool, TUESDAY_AFTERNOON_NY + 3_000, 'test', TUESDAY_AFTERNOON_NY);
    elevenlabs.dials = [];
    await placeCall(deps, { attemptId: second, portalId: PORTAL });
    expect(elevenlabs.dials).toEqual([]);
    expect(await attempt(second)).toMatchObject({
      status: 'not_placed',
      not_placed_reason: 'provider_backoff',
    });
    clock.set(TUESDAY_AFTERNOON_NY + 3_000);
    expect(await dialsHeldUntil(db.pool, TUESDAY_AFTERNOON_NY + 3_000)).toBeNull();
  });

  it('does not dial when the window closed while it waited for its pacing slot (or the clock jumped)', async () => {
    const id = await claimedAttempt();
    // 20:59:58 in New York, the caller number's next slot 3 s away: the wait ends after 21:00.
    clock.set(Date.parse('2026-12-02T01:59:58Z'));
    await db.pool.query(
      `INSERT INTO caller_pacing (phone_number_id, next_slot_at) VALUES ('phnum_test', $1)`,
      [new Date(clock.now() + 3_000)],
    );
    await placeCall(deps, { attemptId: id, portalId: PORTAL });
    expect(clock.sleeps.at(-1)).toBe(3_020);
    expect(elevenlabs.dials).toHaveLength(0);
    expect(await attempt(id)).toMatchObject({ status: 'not_placed', not_placed_reason: 'outside_window' });
    expect(await contact()).toMatchObject({ state: 'queued', wait_reason: 'outside_window' });
  });

  it('a second delivery of the job that took the attempt further is left alone by a refusal', async () => {
    const id = await claimedAttempt();
    clock.set(Date.parse('2026-12-02T01:59:58Z'));
    await db.pool.query(
      `INSERT INTO caller_pacing (phone_number_id, next_slot_at) VALUES ('phnum_test', $1)`,
      [new Date(clock.now() + 3_000)],
    );
    // While this delivery waits for its slot, another delivery of the same job (pg-boss gave it out again: the
    // heartbeat was lost while Postgres restarted) commits the attempt as dialling.
    const waiting: ServiceDeps = {
      ...deps,
      clock: {
        now: () => clock.now(),
        sleep: async (ms) => {
          await db.pool.query(`UPDATE call_attempts SET status = 'dialing' WHERE id = $1`, [id]);
          await clock.sleep(ms);
        },
      },
    };
    await placeCall(waiting, { attemptId: id, portalId: PORTAL });
    expect(elevenlabs.dials).toHaveLength(0);
    expect((await attempt(id))?.status).toBe('dialing');
    expect((await contact())?.state).toBe('dialing');
  });

  it('records a rejected dial and moves on', async () => {
    elevenlabs.answer = {
      kind: 'rejected',
      status: 400,
      code: 'invalid_phone_number',
      message: 'bad number',
    };
    const id = await claimedAttempt();
    await placeCall(deps, { attemptId: id, portalId: PORTAL });
    expect(await attempt(id)).toMatchObject({
      status: 'not_placed',
      not_placed_reason: 'rejected 400: bad number',
    });
    expect(await contact()).toMatchObject({ state: 'done', last_outcome: 'failed' });
  });

  it('never redials blindly after an unknown result: it reconciles first', async () => {
    elevenlabs.answer = { kind: 'unknown', reason: 'HTTP 502' };
    const id = await claimedAttempt();
    await placeCall(deps, { attemptId: id, portalId: PORTAL });
    expect((await attempt(id))?.status).toBe('unknown');
    expect(await queuedJobs(deps.boss, RECONCILE_DIAL_QUEUE.name)).toEqual([
      { attemptId: id, portalId: PORTAL },
    ]);
    // The contact holds its line: no new claim while the attempt is unknown.
    expect(await contact()).toMatchObject({ state: 'dialing' });
    await placeCall(deps, { attemptId: id, portalId: PORTAL });
    expect(elevenlabs.dials).toHaveLength(1);
  });

  it('reconciles an unknown dial as placed when a conversation carries our attempt id', async () => {
    elevenlabs.answer = { kind: 'unknown', reason: 'timeout' };
    const id = await claimedAttempt();
    await placeCall(deps, { attemptId: id, portalId: PORTAL });
    elevenlabs.conversations = {
      conversations: [
        {
          conversationId: 'conv_found',
          agentId: 'agent_test',
          agentName: null,
          status: 'in-progress',
          startTimeUnixSecs: null,
          callDurationSecs: null,
          messageCount: null,
          callSuccessful: null,
          terminationReason: null,
          direction: 'outbound',
          transcriptSummary: null,
        },
      ],
      nextCursor: null,
      hasMore: false,
    };
    expect(await reconcileDial(deps, { attemptId: id, portalId: PORTAL })).toBe('placed');
    expect(await attempt(id)).toMatchObject({ status: 'placed', conversation_id: 'conv_found' });
    expect((await contact())?.attempts).toBe(1);
  });

  it('declares an unknown dial never placed only after the grace period with no trace, then allows a redial', async () => {
    elevenlabs.answer = { kind: 'unknown', reason: 'timeout' };
    const id = await claimedAttempt();
    await placeCall(deps, { attemptId: id, portalId: PORTAL });
    clock.advance(30_000);
    await expect(reconcileDial(deps, { attemptId: id, portalId: PORTAL })).rejects.toBeInstanceOf(
      StillUnknownError,
    );
    expect((await attempt(id))?.status).toBe('unknown');
    clock.advance(120_000);
    expect(await reconcileDial(deps, { attemptId: id, portalId: PORTAL })).toBe('not_placed');
    expect((await attempt(id))?.status).toBe('not_placed');
    expect(await contact()).toMatchObject({
      state: 'queued',
      attempts: 0,
      wait_reason: 'redial_after_unknown',
    });
  });

  it('treats an attempt left in dialing by a dead worker as unknown, without dialling', async () => {
    const id = await claimedAttempt();
    const crash = (step: PlacementStep) => {
      if (step === 'marked-dialing') throw new Error('worker killed');
    };
    await expect(placeCall(deps, { attemptId: id, portalId: PORTAL }, { checkpoint: crash })).rejects.toThrow(
      'worker killed',
    );
    expect((await attempt(id))?.status).toBe('dialing');
    expect(elevenlabs.dials).toHaveLength(0);
    await placeCall(deps, { attemptId: id, portalId: PORTAL });
    expect((await attempt(id))?.status).toBe('unknown');
    expect(elevenlabs.dials).toHaveLength(0);
  });

  it('does not dial a contact whose HubSpot do-not-call property was set after the claim, and suppresses the number', async () => {
    const id = await claimedAttempt();
    crm = { properties: { fundraising_do_not_call: 'true' } };
    await placeCall(deps, { attemptId: id, portalId: PORTAL });
    expect(elevenlabs.dials).toHaveLength(0);
    expect(await contact()).toMatchObject({ state: 'skipped', skip_reason: 'suppressed' });
    const suppressed = await db.pool.query(
      'SELECT reason FROM suppressions WHERE portal_id = $1 AND phone_e164 = $2',
      [PORTAL, usPhone(42)],
    );
    expect(suppressed.rows).toEqual([{ reason: 'hubspot_property' }]);
  });

  it('does not dial when consent is required and was withdrawn in HubSpot', async () => {
    const id = await claimedAttempt({ portalId: PORTAL, requireConsent: true });
    crm = { properties: { ai_call_consent: 'false' } };
    await placeCall(deps, { attemptId: id, portalId: PORTAL });
    expect(elevenlabs.dials).toHaveLength(0);
    expect(await contact()).toMatchObject({ state: 'skipped', skip_reason: 'no_consent' });
  });

  it('does not dial when HubSpot cannot be asked (fails closed) and tries again later', async () => {
    const id = await claimedAttempt();
    crm = 'down';
    await placeCall(deps, { attemptId: id, portalId: PORTAL });
    expect(elevenlabs.dials).toHaveLength(0);
    expect(await contact()).toMatchObject({ state: 'queued', wait_reason: 'hubspot_unavailable' });
  });

  it('does not dial once the campaign is paused, and puts the contact back', async () => {
    const id = await claimedAttempt();
    await db.pool.query(`UPDATE campaigns SET status = 'paused'`);
    await placeCall(deps, { attemptId: id, portalId: PORTAL });
    expect(elevenlabs.dials).toHaveLength(0);
    expect(await contact()).toMatchObject({ state: 'queued', wait_reason: 'campaign_paused' });
  });

  it('does not dial when the calling window closed between claim and dial', async () => {
    const id = await claimedAttempt();
    clock.set(Date.parse('2026-12-02T02:30:00Z')); // 21:30 in New York
    await placeCall(deps, { attemptId: id, portalId: PORTAL });
    expect(elevenlabs.dials).toHaveLength(0);
    expect(await contact()).toMatchObject({
      state: 'queued',
      wait_reason: 'outside_window',
      next_attempt_at: new Date('2026-12-02T13:00:00Z'), // 08:00 Wednesday in New York
    });
  });

  it('waits for the caller number’s pacing slot before dialling', async () => {
    const campaign = await insertCampaign(db.pool, {
      portalId: PORTAL,
      dialsPerSecond: 1,
      concurrencyCap: 5,
    });
    await insertContacts(db.pool, PORTAL, campaign, [{ phone: usPhone(1) }, { phone: usPhone(2) }]);
    await dispatchTick(deps);
    const ids = (
      await db.pool.query<{ id: string }>('SELECT id::text FROM call_attempts ORDER BY claimed_at, id')
    ).rows;
    clock.sleeps.length = 0;
    for (const { id } of ids) await placeCall(deps, { attemptId: id, portalId: PORTAL });
    expect(elevenlabs.dials).toHaveLength(2);
    expect(clock.sleeps).toEqual([1_000]); // the second dial waited 1 / (1 dial per second)
  });

  it('does not dial when the window closes while the attempt waits for its pacing slot', async () => {
    // Half a second before 21:00 in New York: both contacts are claimed inside the legal hours, the second then
    // waits a second for the caller number's slot, and the window has closed when it would dial.
    clock.set(Date.parse('2026-12-02T01:59:59.500Z'));
    const campaign = await insertCampaign(db.pool, {
      portalId: PORTAL,
      dialsPerSecond: 1,
      concurrencyCap: 5,
    });
    await insertContacts(db.pool, PORTAL, campaign, [{ phone: usPhone(1) }, { phone: usPhone(2) }]);
    await dispatchTick(deps);
    const ids = (
      await db.pool.query<{ id: string }>('SELECT id::text FROM call_attempts ORDER BY claimed_at, id')
    ).rows;
    expect(ids).toHaveLength(2);
    clock.sleeps.length = 0;
    for (const { id } of ids) await placeCall(deps, { attemptId: id, portalId: PORTAL });
    expect(clock.sleeps).toEqual([1_000]);
    expect(elevenlabs.dials).toHaveLength(1);
    const waiting = await db.pool.query<{ wait_reason: string | null; next_attempt_at: Date | null }>(
      `SELECT wait_reason, next_attempt_at FROM campaign_contacts WHERE state = 'queued'`,
    );
    expect(waiting.rows).toEqual([
      { wait_reason: 'outside_window', next_attempt_at: new Date('2026-12-02T13:00:00Z') }, // 08:00 Wednesday
    ]);
  });

  it('the sweep releases a claim whose job was lost, and sends a stale dialing attempt to reconciliation', async () => {
    const claimed = await claimedAttempt();
    clock.advance(31 * 60_000);
    expect(await sweepStuckAttempts(deps)).toMatchObject({ releasedClaims: 1 });
    expect(await attempt(claimed)).toMatchObject({ status: 'not_placed', not_placed_reason: 'stale_claim' });
    expect(await contact()).toMatchObject({ state: 'queued', wait_reason: 'stale_claim' });

    await deps.boss.deleteAllJobs();
    expect((await dispatchTick(deps)).claimed).toBe(1);
    const second = (
      await db.pool.query<{ id: string }>(`SELECT id::text FROM call_attempts WHERE status = 'claimed'`)
    ).rows[0]!.id;
    await db.pool.query(`UPDATE call_attempts SET status = 'dialing', dial_started_at = $2 WHERE id = $1`, [
      second,
      new Date(clock.now()),
    ]);
    clock.advance(16 * 60_000);
    expect(await sweepStuckAttempts(deps)).toMatchObject({ dialingToUnknown: 1 });
    expect((await attempt(second))?.status).toBe('unknown');
    expect(await queuedJobs(deps.boss, RECONCILE_DIAL_QUEUE.name)).toEqual([
      { attemptId: second, portalId: PORTAL },
    ]);
  });
});
