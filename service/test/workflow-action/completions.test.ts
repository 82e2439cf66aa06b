import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  insertCampaign,
  insertContacts,
  insertPortal,
  TUESDAY_AFTERNOON_NY,
} from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { ManualClock } from '../../../test/helpers/engine.js';
import { CAMPAIGN_QUEUES } from '../../src/campaigns/index.js';
import { DEFAULT_ENGINE_SETTINGS, type ServiceDeps } from '../../src/core/deps.js';
import {
  HubSpotApiError,
  type HubSpotPortalClient,
  type WorkflowCallbackCompletion,
} from '../../src/hubspot/index.js';
import { startBoss } from '../../src/jobs/boss.js';
import { recordOutcome } from '../../src/outcomes/index.js';
import { WORKFLOW_ACTION_QUEUES } from '../../src/workflow-action/index.js';
import { COMPLETION_QUEUE } from '../../src/workflow-action/queues.js';
import { CompletionsPendingError, sendCompletions } from '../../src/workflow-action/send-completions.js';
import { sweepWorkflowEnrolments } from '../../src/workflow-action/sweep.js';

const PORTAL = 5_550_001;
const clock = new ManualClock(TUESDAY_AFTERNOON_NY);
let db: TestDatabase;
let boss: PgBoss;
let deps: ServiceDeps;
/** What HubSpot was sent, request by request; `answer` decides each request's fate. */
let requests: WorkflowCallbackCompletion[][];
let answer: (batch: readonly WorkflowCallbackCompletion[]) => void;

const refused = (status: number) =>
  new HubSpotApiError({
    status,
    category: 'VALIDATION_ERROR',
    message: `HubSpot said ${status}`,
    method: 'POST',
    path: '/x',
  });

beforeAll(async () => {
  db = await createTestDatabase();
  boss = await startBoss({
    connectionString: db.url,
    logger: silentLogger,
    queues: [...CAMPAIGN_QUEUES, ...WORKFLOW_ACTION_QUEUES],
    supervise: false,
  });
  const client = {
    async completeWorkflowCallbacks(batch: readonly WorkflowCallbackCompletion[]) {
      requests.push([...batch]);
      answer(batch);
    },
  } as Pick<HubSpotPortalClient, 'completeWorkflowCallbacks'> as HubSpotPortalClient;
  deps = {
    pool: db.pool,
    boss,
    elevenlabs: {} as ServiceDeps['elevenlabs'],
    hubspot: { forPortal: () => client },
    logger: silentLogger,
    clock,
    settings: DEFAULT_ENGINE_SETTINGS,
  };
  await insertPortal(db.pool, PORTAL);
});
afterAll(async () => {
  await boss.stop({ graceful: false, close: true });
  await db.drop();
});
beforeEach(async () => {
  requests = [];
  answer = () => {};
  await db.pool.query('DELETE FROM workflow_enrolments');
});

/** Execution numbers of the callback ids: unique within the file (a clock-made id repeats within a millisecond). */
let executions = 0;

/** Enrolments in a given status, outputs set when settled; returns their callback ids in order. */
async function enrolments(
  n: number,
  status = 'settled',
  extra: { expiresInMs?: number; campaignContactId?: string } = {},
) {
  const ids = Array.from({ length: n }, () => `ap-${PORTAL}-${++executions}-1-0`);
  await db.pool.query(
    `INSERT INTO workflow_enrolments (portal_id, callback_id, campaign_ref, contact_id, status, outputs, execution_state,
                                      expires_at, received_at, updated_at, campaign_contact_id)
     SELECT $1, id, 'c', '1', $3, CASE WHEN $3 = 'settled' THEN '{"outcome":"declined"}'::jsonb END,
            CASE WHEN $3 = 'settled' THEN 'SUCCESS' END, $4, $5, $5, $6
       FROM unnest($2::text[]) AS id`,
    [
      PORTAL,
      ids,
      status,
      new Date(clock.now() + (extra.expiresInMs ?? 86_400_000)),
      new Date(clock.now()),
      extra.campaignContactId ?? null,
    ],
  );
  return ids;
}

const statuses = async () =>
  Object.fromEntries(
    (
      await db.pool.query<{ status: string; n: number }>(
        'SELECT status, count(*)::int AS n FROM workflow_enrolments GROUP BY 1',
      )
    ).rows.map((r) => [r.status, r.n]),
  );

describe('sending callback completions', () => {
  it("sends a portal's settled completions 100 to a request, with their outputs, and marks them completed", async () => {
    const ids = await enrolments(250);
    const summary = await sendCompletions(deps, PORTAL);
    expect(summary).toMatchObject({ completed: 250, failed: 0, expired: 0 });
    expect(requests.map((r) => r.length)).toEqual([100, 100, 50]);
    expect(requests.flat().map((c) => c.callbackId)).toEqual(ids);
    expect(requests[0]?.[0]?.outputFields).toEqual({ outcome: 'declined', hs_execution_state: 'SUCCESS' });
    expect(await statuses()).toEqual({ completed: 250 });
    await sendCompletions(deps, PORTAL);
    expect(requests).toHaveLength(3); // nothing is sent twice
  });

  it('splits a batch HubSpot refuses until the refused callback is alone; the rest complete, it is kept as failed', async () => {
    const ids = await enrolments(40);
    const bad = ids[17];
    answer = (batch) => {
      if (batch.some((c) => c.callbackId === bad)) throw refused(400);
    };
    const summary = await sendCompletions(deps, PORTAL);
    expect(summary).toMatchObject({ completed: 39, failed: 1 });
    expect(requests.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(40)));
    const failed = await db.pool.query(
      'SELECT callback_id, last_error FROM workflow_enrolments WHERE status = $1',
      ['failed'],
    );
    expect(failed.rows).toEqual([{ callback_id: bad, last_error: expect.stringContaining('400') }]);
  });

  it('keeps completions settled, counts the run and throws while HubSpot is failing, so the job retries', async () => {
    await enrolments(3);
    answer = () => {
      throw refused(503);
    };
    await expect(sendCompletions(deps, PORTAL)).rejects.toBeInstanceOf(CompletionsPendingError);
    const rows = await db.pool.query('SELECT status, attempts, last_error FROM workflow_enrolments');
    expect(
      rows.rows.every((r) => r.status === 'settled' && r.attempts === 1 && /503/.test(r.last_error)),
    ).toBe(true);
    answer = () => {};
    await expect(sendCompletions(deps, PORTAL)).resolves.toMatchObject({ completed: 3 });
  });

  it("leaves a disconnected portal's completions settled, unsent, until it installs the app again", async () => {
    await enrolments(2);
    await db.pool.query(`UPDATE portals SET status = 'disconnected' WHERE portal_id = $1`, [PORTAL]);
    try {
      expect(await sendCompletions(deps, PORTAL)).toMatchObject({ completed: 0, failed: 0 });
      expect(requests).toEqual([]);
      expect(await statuses()).toEqual({ settled: 2 });
    } finally {
      await db.pool.query(`UPDATE portals SET status = 'connected' WHERE portal_id = $1`, [PORTAL]);
    }
    expect(await sendCompletions(deps, PORTAL)).toMatchObject({ completed: 2 });
  });

  it('marks an enrolment past its expiry as expired instead of sending it', async () => {
    await enrolments(2, 'settled', { expiresInMs: -1 });
    const fresh = await enrolments(1);
    expect(await sendCompletions(deps, PORTAL)).toMatchObject({ completed: 1, expired: 2 });
    expect(requests.flat().map((c) => c.callbackId)).toEqual(fresh);
    expect(await statuses()).toEqual({ completed: 1, expired: 2 });
  });
});

describe('settling enrolments when their contact is final', () => {
  async function enrolledContact(contact: { phone: string; state?: 'dialing' | 'queued' }) {
    const campaign = await insertCampaign(db.pool, { portalId: PORTAL, maxAttempts: 2 });
    const [row] = await insertContacts(db.pool, PORTAL, campaign, [
      { phone: contact.phone, state: contact.state ?? 'dialing' },
    ]);
    const attempt = await db.pool.query<{ id: string }>(
      `INSERT INTO call_attempts (portal_id, campaign_id, campaign_contact_id, contact_id, phone_e164, phone_number_id,
                                  status, dial_started_at, placed_at)
       VALUES ($1, $2, $3, '1', $4, 'phnum', 'placed', now(), now()) RETURNING id::text`,
      [PORTAL, campaign, row, contact.phone],
    );
    const [callbackId] = await enrolments(1, 'waiting', { campaignContactId: row });
    return { campaign, row: row!, attemptId: attempt.rows[0]!.id, callbackId: callbackId! };
  }

  const enrolment = async (callbackId: string) =>
    (
      await db.pool.query(
        'SELECT status, outputs, execution_state FROM workflow_enrolments WHERE callback_id = $1',
        [callbackId],
      )
    ).rows[0];

  it("settles with the call's outputs, and queues the portal's completion, in the transaction that records the outcome", async () => {
    const { attemptId, callbackId } = await enrolledContact({ phone: '+12125550101' });
    const result = await recordOutcome(deps, {
      attemptId,
      portalId: PORTAL,
      outcome: 'pledged',
      endedAtMs: clock.now(),
      detail: { pledgeAmount: 40, pledgeFrequency: 'one_time', summary: 'Gave 40.' },
    });
    expect(result).toMatchObject({ applied: true, contact: { state: 'done' } });
    expect(await enrolment(callbackId)).toEqual({
      status: 'settled',
      outputs: { outcome: 'pledged', pledge_amount: '40', pledge_frequency: 'one_time', summary: 'Gave 40.' },
      execution_state: 'SUCCESS',
    });
    const jobs = await boss.findJobs(COMPLETION_QUEUE.name, { queued: true });
    expect(jobs.map((j) => j.data)).toEqual([{ portalId: PORTAL }]);
  });

  it('leaves an enrolment waiting while its contact has retries left', async () => {
    const { attemptId, callbackId } = await enrolledContact({ phone: '+12125550102' });
    await recordOutcome(deps, { attemptId, portalId: PORTAL, outcome: 'no_answer', endedAtMs: clock.now() });
    expect((await enrolment(callbackId)).status).toBe('waiting');
  });

  it('sweeps up a contact finished elsewhere (skipped at dial time) and a campaign that ended before calling', async () => {
    const skipped = await enrolledContact({ phone: '+12125550103' });
    await db.pool.query(
      `UPDATE campaign_contacts SET state = 'skipped', skip_reason = 'no_consent' WHERE id = $1`,
      [skipped.row],
    );
    const stranded = await enrolledContact({ phone: '+12125550104', state: 'queued' });
    await db.pool.query(`UPDATE campaigns SET status = 'cancelled' WHERE id = $1`, [stranded.campaign]);
    const expired = await enrolments(1, 'waiting', { expiresInMs: -1 });

    const summary = await sweepWorkflowEnrolments(deps);
    expect(summary).toMatchObject({ settled: 1, campaignEnded: 1, expired: 1 });
    expect(await enrolment(skipped.callbackId)).toMatchObject({
      status: 'settled',
      outputs: { outcome: 'not_called', reason: 'no_consent' },
    });
    expect(await enrolment(stranded.callbackId)).toMatchObject({
      status: 'settled',
      outputs: { outcome: 'not_called', reason: 'campaign_cancelled' },
      execution_state: 'FAIL_CONTINUE',
    });
    expect((await enrolment(expired[0]!)).status).toBe('expired');
  });
});
