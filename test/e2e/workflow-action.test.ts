import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeCampaign } from '../../service/src/campaigns/index.js';
import { shiftedClock } from '../../service/src/core/clock.js';
import { type RunningService, startService } from '../../service/src/runtime.js';
import { createDemoPortal } from '../../service/src/sandbox/index.js';
import { insertCampaign, TUESDAY_AFTERNOON_NY } from '../helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../helpers/database.js';
import { sandboxTestConfig } from '../helpers/sandbox-service.js';
import { waitWhileProgressing } from '../helpers/wait.js';

/**
 * The "Place AI call" workflow action end to end on the sandbox: the fake HubSpot enrols 100 contacts into a
 * workflow running the action (20 of the executions delivered twice, as HubSpot does after a slow answer), the
 * service answers BLOCK, puts them into the campaign, the dispatcher calls them on the time-scaled fake ElevenLabs,
 * and every callback is completed with the call's outputs, batched per portal.
 */

const ENROLMENTS = 100;
const TWICE = 20;
const COMPLETE_PATH = /^\/automation\/v4\/actions\/callbacks\/(?:[^/]+\/)?complete$/;

let db: TestDatabase;
let service: RunningService;

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db),
    logger: silentLogger,
    clock: shiftedClock(TUESDAY_AFTERNOON_NY),
    engineSettings: { accountConcurrencyCap: 20, dispatchIntervalMs: 500 },
    sandboxOptions: { concurrencyLimit: 20 },
    sandboxTimeScale: 0.01,
  });
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

/** Demo contacts that may be called: a valid number of their own, no do-not-call flag, consent given. */
function callableContacts(count: number): string[] {
  const portal = createDemoPortal();
  const list = portal.lists.find((l) => l.size === 100_000);
  if (!list) throw new Error('the demo portal has no 100k list');
  const ids: string[] = [];
  const phones = new Set<string>();
  for (let i = 0; ids.length < count; i++) {
    const id = list.memberAt(i).recordId;
    const p = portal.contact(id)?.properties;
    const phone = p?.phone ?? '';
    if (!/^\+1\d{10}$/.test(phone) || phones.has(phone)) continue;
    if (p?.fundraising_do_not_call !== 'false' || p.ai_call_consent !== 'true') continue;
    phones.add(phone);
    ids.push(id);
  }
  return ids;
}

const rows = async <T>(sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows as T[];

describe('workflow action end to end on the sandbox', () => {
  it(`${ENROLMENTS} enrolments, ${TWICE} delivered twice: one call each, every callback completed with its outputs, in under 10 HubSpot requests`, async () => {
    const sandbox = service.integrations.sandbox!;
    const { portalId, agentId, phoneNumberId } = sandbox.demoPortal;
    // Paused while the workflow enrols: the contacts wait in the campaign, then the fundraiser resumes it. (An
    // active campaign with nothing queued yet would be completed by the dispatcher before the first enrolment.)
    const campaign = await insertCampaign(db.pool, {
      portalId,
      agentId,
      phoneNumberId,
      status: 'paused',
      concurrencyCap: 20,
      dialsPerSecond: 50,
      requireConsent: true,
      maxAttempts: 1,
      retryPolicy: {},
    });
    const contactIds = callableContacts(ENROLMENTS);
    const requestsBefore = sandbox.hubspot.record.requests.length;

    const executions = await sandbox.hubspot.enrolInWorkflow({
      portalId,
      campaignId: campaign,
      contactIds,
      deliverTwice: contactIds.slice(0, TWICE),
      variables: { appeal: 'winter' },
    });
    const deliveries = executions.flatMap((e) => e.deliveries);
    expect(deliveries).toHaveLength(ENROLMENTS + TWICE);
    for (const delivery of deliveries) {
      expect(delivery).toEqual({
        status: 200,
        body: { outputFields: { hs_execution_state: 'BLOCK', hs_expiration_duration: 'P7D' } },
      });
    }

    const enrolmentStates = async () =>
      JSON.stringify(
        await rows(
          `SELECT 'enrolment ' || status AS what, count(*)::int AS n FROM workflow_enrolments GROUP BY 1
           UNION ALL SELECT 'attempt ' || status || coalesce(' ' || not_placed_reason, ''), count(*)::int
             FROM call_attempts GROUP BY 1
           UNION ALL SELECT 'contact ' || state || coalesce(' ' || wait_reason, ''), count(*)::int
             FROM campaign_contacts GROUP BY 1
           ORDER BY 1`,
        ),
      );
    const count = async (sql: string) => (await rows<{ n: number }>(sql))[0]?.n ?? 0;
    await waitWhileProgressing(
      async () =>
        (await count(`SELECT count(*)::int AS n FROM workflow_enrolments WHERE status = 'waiting'`)) ===
        ENROLMENTS,
      enrolmentStates,
      { stallMs: 60_000, intervalMs: 250, what: 'every enrolment in the campaign' },
    );
    await resumeCampaign(service.engine, portalId, campaign);
    service.dispatcher?.nudge();

    const wanted = new Set(executions.map((e) => e.callbackId));
    const completions = () =>
      sandbox.hubspot.record.callbackCompletions.filter((c) => wanted.has(c.callbackId));
    // A contact whose dial-time HubSpot check failed waits a minute (fail closed): stalls up to that are normal.
    await waitWhileProgressing(
      async () =>
        completions().length >= ENROLMENTS &&
        (await count(`SELECT count(*)::int AS n FROM workflow_enrolments WHERE status <> 'completed'`)) === 0,
      async () => `${completions().length} completions; ${await enrolmentStates()}`,
      { stallMs: 150_000, intervalMs: 500, what: 'every callback completed' },
    );

    // One call per enrolment, never two for the same person.
    const dials = sandbox.elevenlabs.record.dials;
    expect(dials).toHaveLength(ENROLMENTS);
    expect(new Set(dials.map((d) => d.toNumber)).size).toBe(ENROLMENTS);
    expect(await count('SELECT count(*)::int AS n FROM workflow_enrolments')).toBe(ENROLMENTS);

    // Every callback completed once, with the outputs of its contact's call.
    const done = completions();
    expect(done).toHaveLength(ENROLMENTS);
    expect(done.filter((c) => c.duplicate)).toEqual([]);
    const expected = await rows<{
      callback_id: string;
      last_outcome: string;
      detail: {
        pledgeAmount?: number;
        pledgeFrequency?: string;
        callbackAt?: string;
        summary?: string;
      } | null;
      variables: Record<string, string>;
    }>(
      `SELECT e.callback_id, cc.last_outcome, cc.variables,
              (SELECT a.outcome_detail FROM call_attempts a
                WHERE a.campaign_contact_id = cc.id AND a.status = 'ended' ORDER BY a.ended_at DESC LIMIT 1) AS detail
         FROM workflow_enrolments e JOIN campaign_contacts cc ON cc.id = e.campaign_contact_id
        WHERE cc.campaign_id = $1`,
      [campaign],
    );
    expect(expected).toHaveLength(ENROLMENTS);
    const byCallback = new Map(done.map((c) => [c.callbackId, c.outputFields]));
    for (const row of expected) {
      const outputs = byCallback.get(row.callback_id);
      const detail = row.detail ?? {};
      expect(outputs).toMatchObject({ hs_execution_state: 'SUCCESS', outcome: row.last_outcome });
      expect(outputs?.pledge_amount).toBe(detail.pledgeAmount ? String(detail.pledgeAmount) : undefined);
      expect(outputs?.pledge_frequency).toBe(detail.pledgeFrequency || undefined);
      expect(outputs?.callback_time).toBe(detail.callbackAt || undefined);
      expect(outputs?.summary).toBe(detail.summary?.trim() || undefined);
      expect(row.variables.appeal).toBe('winter');
    }
    const outcomes = new Set(expected.map((r) => r.last_outcome));
    expect(outcomes.size).toBeGreaterThanOrEqual(3);
    expect(outcomes.has('pledged')).toBe(true);

    // Batched per portal: a handful of requests for 100 completions.
    const requests = sandbox.hubspot.record.requests.slice(requestsBefore);
    const completionRequests = requests.filter((r) => r.method === 'POST' && COMPLETE_PATH.test(r.path));
    console.log(
      `workflow e2e: ${deliveries.length} deliveries, ${dials.length} dials, ${done.length} completions in ` +
        `${completionRequests.length} HubSpot requests; outcomes ${JSON.stringify([...outcomes])}`,
    );
    expect(completionRequests.length).toBeGreaterThan(0);
    expect(completionRequests.length).toBeLessThan(10);
  }, 900_000);
});
