import type { CallOutcome } from '@fundraising/shared';
import type { PgBoss } from 'pg-boss';
import {
  insertCampaign,
  insertContacts,
  insertPortal,
  usPhone,
} from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { ManualClock } from '../../../test/helpers/engine.js';
import { withTransaction } from '../../src/db/pool.js';
import { createHubSpotClients, type HubSpotClients } from '../../src/hubspot/index.js';
import { startBoss } from '../../src/jobs/boss.js';
import type { QueueDefinition } from '../../src/jobs/queue-definition.js';
import type { ClassifiedOutcome } from '../../src/outcomes/classified-outcome.js';
import {
  createDemoPortal,
  DEMO_PORTAL_ID,
  type FakeHubSpot,
  sandboxAccessToken,
  startFakeHubSpot,
} from '../../src/sandbox/index.js';
import { enqueueWriteback, WRITEBACK_QUEUES, type WritebackDeps } from '../../src/writeback/index.js';
import { type HubSpotProxy, startHubSpotProxy } from './hubspot-proxy.js';

export const PORTAL_ID = DEMO_PORTAL_ID;
/** The demo portal's "Spring appeal donors" list holds contacts 10001..10250. */
export const FIRST_CONTACT_ID = 10_001;
export const CALL_START_MS = Date.parse('2026-03-02T16:00:00Z');

export interface WritebackHarness {
  readonly db: TestDatabase;
  readonly boss: PgBoss;
  readonly fake: FakeHubSpot;
  readonly proxy: HubSpotProxy;
  readonly hubspot: HubSpotClients;
  readonly clock: ManualClock;
  readonly deps: WritebackDeps;
  readonly campaignId: string;
  /** Requests the fake HubSpot received for a method and path. */
  requests(method: string, path: string): number;
  stop(): Promise<void>;
}

/**
 * A real test database and pg-boss, the sandbox's fake HubSpot behind a fault proxy, and the real HubSpot client
 * pointed at the proxy (retry waits shortened so backoff costs milliseconds, not seconds).
 */
export async function startWritebackHarness(
  options: {
    rateLimit?: { max: number; windowMs: number } | false;
    queues?: readonly QueueDefinition<unknown>[];
    dncProperty?: string;
    /** The fake's search index lag; when set, the fake runs on the harness's manual clock too. */
    searchLagMs?: number;
  } = {},
): Promise<WritebackHarness> {
  const db = await createTestDatabase();
  await insertPortal(db.pool, PORTAL_ID);
  const clock = new ManualClock(CALL_START_MS + 3_600_000);
  const fake = await startFakeHubSpot({
    clientId: 'cid',
    clientSecret: 'csecret',
    portals: [createDemoPortal()],
    rateLimit: options.rateLimit ?? false,
    logger: silentLogger,
    ...(options.searchLagMs === undefined ? {} : { searchLagMs: options.searchLagMs, clock }),
  });
  const proxy = await startHubSpotProxy(fake);
  const hubspot = createHubSpotClients({
    baseUrl: proxy.url,
    tokens: { getAccessToken: async (portalId) => sandboxAccessToken(portalId) },
    logger: silentLogger,
    retry: { baseDelayMs: 1, maxDelayMs: 5, rollingWindowMs: 100, secondlyWindowMs: 20, random: () => 0.5 },
    requestTimeoutMs: 5_000,
  });
  const boss = await startBoss({
    connectionString: db.url,
    logger: silentLogger,
    queues: options.queues ?? WRITEBACK_QUEUES,
    supervise: false,
  });
  const campaignId = await insertCampaign(db.pool, { portalId: PORTAL_ID });
  if (options.dncProperty) {
    await db.pool.query('UPDATE campaigns SET dnc_property = $2 WHERE id = $1', [
      campaignId,
      options.dncProperty,
    ]);
  }
  return {
    db,
    boss,
    fake,
    proxy,
    hubspot,
    clock,
    deps: { pool: db.pool, boss, hubspot, logger: silentLogger, clock },
    campaignId,
    requests: (method, path) =>
      fake.record.requests.filter((r) => r.method === method && r.path === path).length,
    async stop() {
      await boss.stop({ graceful: false, close: true }).catch(() => {});
      await proxy.stop();
      await fake.stop();
      await db.drop();
    },
  };
}

/** A realistic ClassifiedOutcome, as the webhook processing stores it in call_attempts.outcome_detail. */
export function classified(outcome: CallOutcome, i: number, phone: string): ClassifiedOutcome {
  const pledged = outcome === 'pledged';
  return {
    outcome,
    reason: pledged ? 'data collection: pledge_amount' : `classified as ${outcome}`,
    pledgeAmount: pledged ? 25 + (i % 4) * 25 : null,
    pledgeFrequency: pledged ? (i % 2 === 0 ? 'monthly' : 'one_time') : null,
    callbackAt: outcome === 'callback_requested' ? '2026-03-03T17:00:00.000Z' : null,
    conversationId: `conv_${String(i).padStart(5, '0')}`,
    startedAtMs: CALL_START_MS + i * 60_000,
    durationSecs: outcome === 'no_answer' || outcome === 'busy' ? 0 : 60 + (i % 120),
    summary: `The agent spoke with donor ${i} about the spring appeal <food drive>.`,
    transcript: [
      { role: 'agent', message: 'Hi, this is Sam from Riverside Food Bank.', timeInCallSecs: 0 },
      { role: 'user', message: pledged ? 'Happy to give again.' : 'Not today, thanks.', timeInCallSecs: 4 },
    ],
    terminationReason: 'end_call tool',
    cost: 412,
    fromNumber: '+12125550100',
    toNumber: phone,
  };
}

export interface SeededAttempt {
  readonly attemptId: string;
  readonly contactId: string;
  readonly outcome: CallOutcome;
  readonly detail: ClassifiedOutcome;
}

/**
 * Finished attempts for demo contacts, written directly (status ended, outcome, outcome_detail), each contact's
 * campaign row counting `attemptsPerContact`, then queued for write-back as the webhook processing does.
 */
export async function seedFinishedAttempts(
  h: WritebackHarness,
  outcomes: readonly CallOutcome[],
  options: {
    attemptsPerContact?: number;
    contactIds?: readonly string[];
    enqueue?: boolean;
    campaignId?: string;
    /** Added to each call's start, e.g. to make these calls later than earlier ones. */
    offsetMs?: number;
  } = {},
): Promise<SeededAttempt[]> {
  const campaignId = options.campaignId ?? h.campaignId;
  const contactIds = outcomes.map((_, i) => options.contactIds?.[i] ?? String(FIRST_CONTACT_ID + i));
  const phones = outcomes.map((_, i) => usPhone(Number(contactIds[i]) % 9000));
  const ccIds = await insertContacts(
    h.db.pool,
    PORTAL_ID,
    campaignId,
    contactIds.map((contactId, i) => ({ contactId, phone: phones[i] ?? '', state: 'done' as const })),
  );
  const details = outcomes.map((o, i) => {
    const detail = classified(o, Number(contactIds[i]) - FIRST_CONTACT_ID, phones[i] ?? '');
    return {
      ...detail,
      conversationId: `conv_${campaignId.slice(0, 8)}_${contactIds[i]}`,
      startedAtMs: (detail.startedAtMs ?? CALL_START_MS) + (options.offsetMs ?? 0),
    };
  });
  const { rows } = await h.db.pool.query<{ id: string; contact_id: string }>(
    `INSERT INTO call_attempts (portal_id, campaign_id, campaign_contact_id, contact_id, phone_e164, phone_number_id,
        status, conversation_id, outcome, outcome_detail, dial_started_at, placed_at, ended_at)
     SELECT $1, $2, x.cc, x.contact, x.phone, 'phnum_test', 'ended', x.conv, x.outcome, x.detail,
            x.started, x.started, x.started + interval '2 minutes'
       FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::timestamptz[])
            WITH ORDINALITY AS x(cc, contact, phone, conv, outcome, detail, started, n)
      ORDER BY x.n
     RETURNING id::text, contact_id`,
    [
      PORTAL_ID,
      campaignId,
      ccIds,
      contactIds,
      phones,
      details.map((d) => d.conversationId),
      outcomes,
      details.map((d) => JSON.stringify(d)),
      details.map((d) => new Date(d.startedAtMs ?? CALL_START_MS)),
    ],
  );
  await h.db.pool.query(
    `UPDATE campaign_contacts SET attempts = $2, last_outcome = x.outcome
       FROM unnest($1::bigint[], $3::text[]) AS x(id, outcome) WHERE campaign_contacts.id = x.id`,
    [ccIds, options.attemptsPerContact ?? 1, outcomes],
  );
  const attemptOf = new Map(rows.map((r) => [r.contact_id, r.id]));
  const seeded = contactIds.map((contactId, i) => ({
    attemptId: attemptOf.get(contactId) ?? '',
    contactId,
    outcome: outcomes[i] as CallOutcome,
    detail: details[i] as ClassifiedOutcome,
  }));
  if (options.enqueue ?? true) await enqueueAll(h, seeded, 0);
  return seeded;
}

export async function enqueueAll(
  h: WritebackHarness,
  attempts: readonly { attemptId: string }[],
  startAfterSeconds?: number,
): Promise<number> {
  return withTransaction(h.db.pool, async (tx) => {
    let queued = 0;
    for (const a of attempts) {
      const result = await enqueueWriteback(
        tx,
        h.boss,
        { portalId: PORTAL_ID, attemptId: a.attemptId },
        startAfterSeconds === undefined ? {} : { startAfterSeconds },
      );
      if (result.queued) queued += 1;
    }
    return queued;
  });
}

export async function outboxRows(h: WritebackHarness) {
  const { rows } = await h.db.pool.query<{
    attempt_id: string;
    status: string;
    attempts: number;
    last_error: string | null;
    hubspot_call_id: string | null;
    call_done: boolean;
    contact_done: boolean;
    app_event_done: boolean;
    call_unknown_at: Date | null;
  }>(
    `SELECT attempt_id::text, status, attempts, last_error, hubspot_call_id, call_done, contact_done, app_event_done,
            call_unknown_at
       FROM crm_writes ORDER BY id`,
  );
  return rows;
}

/** Calls in the fake's record per attempt id (objectWriteTraceId): a count above 1 is a call logged twice. */
export function callsPerAttempt(fake: FakeHubSpot): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of fake.record.calls) {
    const key = c.objectWriteTraceId ?? '';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
