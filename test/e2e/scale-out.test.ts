import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxFakesInfo } from '../../service/src/sandbox/index.js';
import {
  activateCampaign,
  insertCampaign,
  insertContacts,
  usPhone,
  zoneInDaytime,
} from '../helpers/campaign-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import {
  attemptsDialledTwice,
  type DialSeen,
  maxInFlight,
  pacingLeadSeconds,
  readDials,
  readEngagements,
  scriptOutcome,
  simultaneousCallsToOneNumber,
} from '../helpers/fakes-record.js';
import { callableDemoContacts } from '../helpers/sandbox-service.js';
import { type Cluster, startCluster } from '../helpers/scale-out-cluster.js';
import { waitUntil, waitWhileProgressing } from '../helpers/wait.js';

/**
 * Scale-out: three worker processes and one web process on one Postgres, sharing one set of sandbox fakes, run
 * two campaigns to the end; one worker is killed with SIGKILL while calls it placed are in flight. Checked on
 * the fake ElevenLabs' own record of dials (start and end of every call): neither campaign's cap nor the
 * account-wide cap was ever exceeded, no attempt was dialled twice, no number had two calls at once, each caller
 * number's pacing held; and every call reached the fake HubSpot's timeline exactly once.
 */

const ACCOUNT_CAP = 5;
/** The campaign caps add up to more than the account cap, so the account cap binds; A and B dial different numbers. */
const A = { cap: 4, contacts: 36, dialsPerSecond: 10 };
const B = { cap: 3, contacts: 20, dialsPerSecond: 1 };
/**
 * Donors in both campaigns: one person, one call at a time, whatever the campaign. Both campaigns reach them
 * first, so one of the two claims finds the person in a call and waits the dispatcher's minute: the run lasts
 * a little over a minute on a quiet machine, most of it that wait.
 */
const SHARED = 4;
const DIALS_BEFORE_KILL = 15;
/**
 * Real seconds per simulated call second: calls of 20-230 s last 0.6-7 s, long next to the service's own work
 * around each call (claim, dial-time checks, outcome), so calls in flight at the provider reach the caps even on a
 * loaded machine, and all dials fit in the minute the shared donors wait anyway.
 */
const TIME_SCALE = 0.03;
/** How late a dial may reach the provider after its pacing slot on a loaded machine. */
const PACING_SLACK_SECONDS = 2;
const RETRY_NOW = { delayMinutes: 0, maxAttempts: 2 };

let db: TestDatabase;
let cluster: Cluster | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await cluster?.stop();
  await db?.drop();
});

const count = async (sql: string, params: unknown[] = []) =>
  Number((await db.pool.query<{ n: number }>(sql, params)).rows[0]?.n);

describe('three workers and a web process on one Postgres', () => {
  it('run two campaigns to the end within every cap, each attempt dialled once, a worker killed mid-run', async () => {
    const placedBy = new Map<number, Set<string>>();
    cluster = await startCluster({
      databaseUrl: db.url,
      workers: 3,
      fakesEnv: { SANDBOX_TIME_SCALE: String(TIME_SCALE), SANDBOX_CONCURRENCY_LIMIT: '50' },
      // info: each worker's "call placed" lines say which process placed which call.
      serviceEnv: {
        ACCOUNT_CONCURRENCY_CAP: String(ACCOUNT_CAP),
        UNKNOWN_DIAL_GRACE_MS: '5000',
        LOG_LEVEL: 'info',
      },
      onWorkerLine: (index, line) => {
        if (!line.includes('"call placed"')) return;
        const attemptId = (JSON.parse(line) as { attemptId?: string }).attemptId;
        if (attemptId) placedBy.set(index, (placedBy.get(index) ?? new Set()).add(attemptId));
      },
    });
    const { fakesUrl } = cluster;
    const info = (await (await fetch(`${fakesUrl}/__sandbox/fakes`)).json()) as SandboxFakesInfo;
    const { portalId, agentId, phoneNumberId, sipPhoneNumberId } = info.demoPortal;

    // Campaign A on the Twilio number, B on the SIP trunk number; SHARED donors are in both.
    const zones = [zoneInDaytime(Date.now())];
    const ids = callableDemoContacts(A.contacts + B.contacts - SHARED);
    const donorsA = ids.slice(0, A.contacts).map((contactId, i) => ({ contactId, phone: usPhone(i), zones }));
    const donorsB = [
      ...donorsA.slice(0, SHARED),
      ...ids.slice(A.contacts).map((contactId, i) => ({ contactId, phone: usPhone(A.contacts + i), zones })),
    ];
    // A final outcome for the shared donors, so their two campaigns never take them past the frequency cap.
    for (const { phone } of donorsA.slice(0, SHARED)) await scriptOutcome(fakesUrl, phone, 'declined');
    const policy = { no_answer: RETRY_NOW, busy: RETRY_NOW, failed: RETRY_NOW };
    const campaign = (c: typeof A, number: string) =>
      insertCampaign(db.pool, {
        portalId,
        agentId,
        phoneNumberId: number,
        concurrencyCap: c.cap,
        dialsPerSecond: c.dialsPerSecond,
        maxAttempts: 2,
        retryPolicy: policy,
        requireConsent: true,
        // Activated once its contacts are in: a running dispatcher completes an active campaign with none.
        status: 'paused',
      });
    const campaignA = await campaign(A, phoneNumberId);
    const campaignB = await campaign(B, sipPhoneNumberId);
    await db.pool.query(`UPDATE campaigns SET phone_provider = 'sip_trunk' WHERE id = $1`, [campaignB]);
    await insertContacts(db.pool, portalId, campaignA, donorsA);
    await insertContacts(db.pool, portalId, campaignB, donorsB);
    await activateCampaign(db.pool, campaignA);
    await activateCampaign(db.pool, campaignB);

    // Killed once the run is well under way and calls this worker placed are still going on at the provider.
    let victim = -1;
    let inFlightAtKill: string[] = [];
    await waitUntil(
      async () => {
        const dials = await readDials(fakesUrl);
        if (dials.length < DIALS_BEFORE_KILL) return false;
        const going = new Set(dials.filter((d) => d.endedAtMs === null).map((d) => d.userId));
        for (const [index, placed] of placedBy) {
          const mine = [...placed].filter((id) => going.has(id));
          if (mine.length > 0) {
            victim = index;
            inFlightAtKill = mine;
            return true;
          }
        }
        return false;
      },
      {
        timeoutMs: 180_000,
        intervalMs: 50,
        what: `${DIALS_BEFORE_KILL} dials and a worker with calls in flight`,
      },
    );
    const killed = cluster.workers[victim];
    killed?.kill('SIGKILL');
    expect((await killed?.exited)?.signal).toBe('SIGKILL');
    const dialsAtKill = (await readDials(fakesUrl)).length;

    const progress = async () =>
      JSON.stringify([
        (await db.pool.query(`SELECT status, count(*)::int AS n FROM call_attempts GROUP BY 1 ORDER BY 1`))
          .rows,
        (await readDials(fakesUrl)).length,
      ]);
    const fail = (error: unknown) => {
      throw new Error(`${(error as Error).message}\n${cluster?.output()}`);
    };
    await waitWhileProgressing(
      async () => (await count(`SELECT count(*)::int AS n FROM campaigns WHERE status <> 'completed'`)) === 0,
      progress,
      { stallMs: 120_000, what: 'both campaigns to complete' },
    ).catch(fail);
    // Every call placed reaches HubSpot's timeline (write-back is debounced ~10 s per portal).
    const onTimeline = async () =>
      new Set((await readEngagements(fakesUrl)).map((e) => e.objectWriteTraceId));
    await waitWhileProgressing(
      async () => {
        const written = await onTimeline();
        return (await readDials(fakesUrl)).every((d) => written.has(d.userId));
      },
      async () => String((await readEngagements(fakesUrl)).length),
      { stallMs: 120_000, what: 'every call on the fake HubSpot timeline' },
    ).catch(fail);

    const dials = await readDials(fakesUrl);
    const engagements = await readEngagements(fakesUrl);
    await cluster.stop();
    cluster = undefined;

    const onNumber = (id: string) => dials.filter((d: DialSeen) => d.phoneNumberId === id);
    const dialsA = onNumber(phoneNumberId);
    const dialsB = onNumber(sipPhoneNumberId);
    const most = { a: maxInFlight(dialsA), b: maxInFlight(dialsB), account: maxInFlight(dials) };
    const lead = {
      a: pacingLeadSeconds(
        dialsA.map((d) => d.atMs),
        A.dialsPerSecond,
      ),
      b: pacingLeadSeconds(
        dialsB.map((d) => d.atMs),
        B.dialsPerSecond,
      ),
    };
    const attempts = new Map(
      (
        await db.pool.query<{ id: string; status: string }>(
          `SELECT id::text, status FROM call_attempts WHERE campaign_id = ANY($1::uuid[])`,
          [[campaignA, campaignB]],
        )
      ).rows.map((a) => [a.id, a.status]),
    );
    const spanS =
      (Math.max(...dials.map((d) => d.endedAtMs ?? 0)) - Math.min(...dials.map((d) => d.atMs))) / 1000;
    console.log(
      `worker ${victim} killed after ${dialsAtKill} dials with ${inFlightAtKill.length} of its calls in flight; ` +
        `${dials.length} dials in all (A ${dialsA.length}, B ${dialsB.length}) over ${spanS.toFixed(1)} s, ` +
        `${attempts.size} attempts; most in flight: A ${most.a}/${A.cap}, B ${most.b}/${B.cap}, ` +
        `account ${most.account}/${ACCOUNT_CAP}; pacing lead A ${lead.a.toFixed(2)} s, B ${lead.b.toFixed(2)} s; ` +
        `calls placed per worker ${JSON.stringify(Object.fromEntries([...placedBy].map(([i, s]) => [i, s.size])))}`,
    );

    expect(dialsA.length + dialsB.length).toBe(dials.length);
    // Every call ended at the provider (none left holding a line).
    expect(dials.filter((d) => d.endedAtMs === null)).toEqual([]);
    // The caps, at every instant, from the provider's side...
    expect(most.a).toBeLessThanOrEqual(A.cap);
    expect(most.b).toBeLessThanOrEqual(B.cap);
    expect(most.account).toBeLessThanOrEqual(ACCOUNT_CAP);
    // ...and the account cap is what held them (A and B could have had 7 at once).
    expect(most.account).toBe(ACCOUNT_CAP);
    // Exactly once: no attempt dialled twice, no person in two calls at once (SHARED are in both campaigns).
    expect(attemptsDialledTwice(dials)).toEqual([]);
    expect(simultaneousCallsToOneNumber(dials)).toEqual([]);
    // Pacing per caller number: one counter in Postgres for every process.
    expect(lead.a).toBeLessThanOrEqual(PACING_SLACK_SECONDS);
    expect(lead.b).toBeLessThanOrEqual(PACING_SLACK_SECONDS);

    // Every dial is one of our attempts and ended; every contact is finished; each call on the timeline once.
    expect(dials.filter((d) => attempts.get(d.userId ?? '') !== 'ended').map((d) => d.userId)).toEqual([]);
    expect([...attempts.values()].filter((s) => s !== 'ended' && s !== 'not_placed')).toEqual([]);
    expect(
      await count(`SELECT count(*)::int AS n FROM campaign_contacts WHERE state NOT IN ('done', 'skipped')`),
    ).toBe(0);
    const timeline = new Map<string, number>();
    for (const e of engagements)
      if (e.objectWriteTraceId)
        timeline.set(e.objectWriteTraceId, (timeline.get(e.objectWriteTraceId) ?? 0) + 1);
    expect(dials.filter((d) => timeline.get(d.userId ?? '') !== 1).map((d) => d.userId)).toEqual([]);
    // The killed worker's calls went on at the provider and their outcomes were recorded by the others.
    expect(inFlightAtKill.length).toBeGreaterThan(0);
    for (const id of inFlightAtKill) expect(attempts.get(id), `attempt ${id}`).toBe('ended');
  }, 900_000);
});
