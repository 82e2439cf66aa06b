import { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, type ExpectStatic, it } from 'vitest';
import type { PlacementStep } from '../../service/src/campaigns/placement/place-call.js';
import { shiftedClock } from '../../service/src/core/clock.js';
import { BOSS_SCHEMA } from '../../service/src/jobs/boss.js';
import { type Sandbox, startSandbox } from '../../service/src/sandbox/index.js';
import {
  insertCampaign,
  insertContacts,
  insertPortal,
  TUESDAY_AFTERNOON_NY,
  usPhone,
} from '../helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../helpers/database.js';
import { callableDemoContacts } from '../helpers/sandbox-service.js';
import { waitWhileProgressing } from '../helpers/wait.js';
import { type CrashReport, PLACEMENT_STEPS } from './crash-protocol.js';
import { startWorkerProcess, type WorkerEnv, type WorkerExit } from './worker-process.js';

/**
 * The placement worker is killed (SIGKILL, from inside, at a named step of placing a call) again and again while
 * it dials a campaign against the sandbox; a last worker then runs undisturbed until nothing is left to do. The
 * sandbox's own record of dials must then show every attempt dialled at most once, no person dialled twice, and
 * every contact dialled or scheduled: none lost.
 *
 * Each step gets its own database and worker processes, and the steps run side by side against one sandbox.
 * No outcome webhooks are processed (outcomes are not what this tests), so a placed call keeps its person's line
 * for the whole run: the campaign's cap is the contact count so that this holds nobody back, and any second dial
 * of a number would be a second call to someone who may still be on the first.
 */

const CONTACTS_PER_STEP = 20;
const CRASHES_PER_STEP = 3;
/** Which hit of the step kills the worker in each crashed run: the first, or after a few calls got further. */
const CRASH_AFTER = [1, 4, 2];
/** A worker that has not reached its step by then has nothing left to crash on. */
const CRASH_RUN_DEADLINE_MS = 60_000;
/** The settling worker is waited for as long as it gets on; this long without any change is a failure. */
const SETTLE_STALL_MS = 90_000;

// Both processes see the same engine time: a Tuesday afternoon in New York, whatever the real time of day.
const CLOCK_OFFSET_MS = TUESDAY_AFTERNOON_NY - Date.now();
const engineClock = shiftedClock(Date.now() + CLOCK_OFFSET_MS);

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    logger: silentLogger,
    // The provider's start times and our dial times must share a clock: reconciliation compares them.
    clock: engineClock,
    concurrencyLimit: 1_000,
    hubspotRateLimit: false,
    timeScale: 0.01,
  });
});
afterAll(async () => {
  await sandbox?.stop();
});

/**
 * pg-boss notices a killed worker's jobs (heartbeat gone for 10 s) only in a monitor pass, which runs every
 * monitorIntervalSeconds (60 s by default, and the service leaves the default). A supervisor that looks every
 * second keeps each crash from costing a minute; the worker processes themselves run the service's own setup.
 */
async function startPromptSupervisor(databaseUrl: string): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: BOSS_SCHEMA,
    supervise: true,
    schedule: false,
    migrate: false,
    superviseIntervalSeconds: 1,
    monitorIntervalSeconds: 1,
    max: 2,
  });
  boss.on('error', (err) => silentLogger.warn({ err }, 'test supervisor error'));
  await boss.start();
  return boss;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

interface ContactRow {
  id: string;
  phone_e164: string;
  state: string;
  skip_reason: string | null;
  next_attempt_at: Date | null;
  attempts: number;
}

interface AttemptRow {
  id: string;
  campaign_contact_id: string;
  phone_e164: string;
  status: string;
  conversation_id: string | null;
  /** Null on a call found by reconciliation (the listing carries no call sid). */
  call_sid: string | null;
  not_placed_reason: string | null;
}

type Fate = { status: string; dialled: boolean; reconciled?: boolean; reason?: string | null };

/**
 * Where the attempt being placed when the worker died must end, for the steps where that is certain. Killed
 * before the request left: never dialled, and reconciliation says so. Killed with the provider's answer in hand
 * but not yet written: dialled once, and reconciliation finds the call. Killed after writing it: placed.
 * Earlier steps leave the attempt claimed, so it simply goes on (its fate then depends on later kills).
 */
const FATE_OF_CRASHED_ATTEMPT: Partial<Record<PlacementStep, Fate>> = {
  'marked-dialing': {
    status: 'not_placed',
    dialled: false,
    reason: 'reconciled: no conversation',
  },
  answered: { status: 'placed', dialled: true, reconciled: true },
  recorded: { status: 'placed', dialled: true, reconciled: false },
};

/** What the workers have done so far: attempts by status and contacts by state (changes while they get on). */
async function progressOf(db: TestDatabase): Promise<string> {
  const { rows } = await db.pool.query<{ what: string; n: number }>(
    `SELECT 'attempt ' || status AS what, count(*)::int AS n FROM call_attempts GROUP BY 1
     UNION ALL SELECT 'contact ' || state, count(*)::int FROM campaign_contacts GROUP BY 1 ORDER BY 1`,
  );
  return rows.map((r) => `${r.what}: ${r.n}`).join(', ');
}

/** Nothing in flight but placed calls, and nobody due: the state a worker would leave alone. */
async function settled(db: TestDatabase): Promise<boolean> {
  const { rows } = await db.pool.query<{ unsettled: number; due: number }>(
    `SELECT (SELECT count(*) FROM call_attempts WHERE status IN ('claimed', 'dialing', 'unknown'))::int AS unsettled,
            (SELECT count(*) FROM campaign_contacts WHERE state = 'queued' AND next_attempt_at <= $1)::int AS due`,
    [new Date(engineClock.now())],
  );
  return rows[0]?.unsettled === 0 && rows[0]?.due === 0;
}

interface StepRun {
  readonly crashes: (CrashReport & { readonly afterMs: number })[];
  readonly settledAfterMs: number;
  /** Crashed runs that never reached the step before the deadline (killed from outside instead). */
  readonly missed: number;
}

async function crashRepeatedly(step: PlacementStep, db: TestDatabase, base: WorkerEnv): Promise<StepRun> {
  const started = Date.now();
  const crashes: StepRun['crashes'] = [];
  let missed = 0;
  let supervisor: PgBoss | undefined;
  try {
    for (let run = 0; run < CRASHES_PER_STEP; run++) {
      const worker = startWorkerProcess({ ...base, crashAt: step, crashAfter: CRASH_AFTER[run] ?? 1 });
      // The first worker creates pg-boss's schema and queues; the supervisor comes in after it.
      if (!supervisor) {
        await worker.ready;
        supervisor = await startPromptSupervisor(db.url);
      }
      const deadline = new Promise<'deadline'>((resolve) => {
        const timer = setTimeout(() => resolve('deadline'), CRASH_RUN_DEADLINE_MS);
        void worker.exited.finally(() => clearTimeout(timer));
      });
      const ended: WorkerExit | 'deadline' = await Promise.race([worker.exited, deadline]);
      if (ended === 'deadline') {
        worker.kill('SIGKILL');
        await worker.exited;
        missed += 1;
        continue;
      }
      if (!ended.crash || ended.signal !== 'SIGKILL') {
        throw new Error(`worker ended without crashing at ${step}:\n${worker.output()}`);
      }
      crashes.push({ ...ended.crash, afterMs: Date.now() - started });
    }

    const last = startWorkerProcess(base);
    try {
      // Its start-up is not the campaign's stall: on a loaded machine a process can take a minute to boot.
      await last.ready;
      await waitWhileProgressing(
        () => settled(db),
        () => progressOf(db),
        { stallMs: SETTLE_STALL_MS, what: `the campaign to settle after crashes at ${step}` },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\nlast worker output:\n${last.output()}`);
    } finally {
      await last.stop();
    }
  } finally {
    await supervisor?.stop({ graceful: false, close: true });
  }
  return { crashes, missed, settledAfterMs: Date.now() - started };
}

async function verifyNothingDoubledOrLost(
  expect: ExpectStatic,
  step: PlacementStep,
  db: TestDatabase,
  run: StepRun,
): Promise<void> {
  const contacts = (
    await db.pool.query<ContactRow>(
      `SELECT id::text, phone_e164, state, skip_reason, next_attempt_at, attempts FROM campaign_contacts`,
    )
  ).rows;
  const attempts = (
    await db.pool.query<AttemptRow>(
      `SELECT id::text, campaign_contact_id::text, phone_e164, status, conversation_id, call_sid,
              not_placed_reason
         FROM call_attempts`,
    )
  ).rows;
  const numbers = new Set(contacts.map((c) => c.phone_e164));
  const dials = sandbox.elevenlabs.record.dials.filter((d) => numbers.has(d.toNumber));
  const attemptById = new Map(attempts.map((a) => [a.id, a]));

  // The test proves what it claims only if the worker really died at this step.
  expect(run.crashes.length, `crashes at ${step}`).toBeGreaterThanOrEqual(1);
  const fate = FATE_OF_CRASHED_ATTEMPT[step];
  for (const crash of run.crashes) {
    expect(crash.step).toBe(step);
    const a = attemptById.get(crash.attemptId);
    expect(a, `the attempt killed at ${step}`).toBeDefined();
    if (!fate || !a) continue;
    const dialled = dials.some((d) => d.userId === a.id);
    expect(
      {
        status: a.status,
        dialled,
        ...('reconciled' in fate ? { reconciled: a.call_sid === null } : {}),
        ...('reason' in fate ? { reason: a.not_placed_reason } : {}),
      },
      `the attempt killed at ${step}`,
    ).toEqual(fate);
  }

  // The sandbox's record: every dial carries one of our attempts, and no attempt was dialled twice.
  const dialledAttempts = dials.map((d) => d.userId);
  for (const id of dialledAttempts) expect(id !== null && attemptById.has(id), `dial of ${id}`).toBe(true);
  expect(new Set(dialledAttempts).size).toBe(dials.length);
  // No person dialled twice: every placed call still holds its line here, so a second dial would overlap it.
  const dialsPerNumber = groupBy(dials, (d) => d.toNumber);
  const redialled = [...dialsPerNumber].filter(([, ds]) => ds.length > 1).map(([n]) => n);
  expect(redialled, 'numbers dialled more than once').toEqual([]);
  // The service knows about every call the provider placed, under its conversation id, and of no other.
  for (const d of dials) {
    const a = attemptById.get(d.userId ?? '');
    expect({ status: a?.status, conversationId: a?.conversation_id }).toEqual({
      status: 'placed',
      conversationId: d.conversationId,
    });
  }
  const placed = attempts.filter((a) => a.status === 'placed');
  expect(placed.length).toBe(dials.length);

  // Nothing left half-way: no attempt claimed, dialling or unknown once the workers settled.
  expect(attempts.filter((a) => ['claimed', 'dialing', 'unknown'].includes(a.status))).toEqual([]);

  // Every contact dialled (its one placed attempt counted once) or scheduled or skipped with a reason: none lost.
  const placedByContact = groupBy(placed, (a) => a.campaign_contact_id);
  const now = engineClock.now();
  const dialled = contacts.filter(
    (c) => c.state === 'dialing' && placedByContact.get(c.id)?.length === 1 && c.attempts === 1,
  );
  const scheduled = contacts.filter(
    (c) => c.state === 'queued' && (c.next_attempt_at?.getTime() ?? 0) > now && !placedByContact.has(c.id),
  );
  const skipped = contacts.filter((c) => c.state === 'skipped' && c.skip_reason !== null);
  const lost = contacts.filter((c) => !dialled.includes(c) && !scheduled.includes(c) && !skipped.includes(c));
  expect(lost, 'contacts neither dialled nor scheduled').toEqual([]);
  expect(dialled.length + scheduled.length + skipped.length).toBe(CONTACTS_PER_STEP);
  // In this setup (window open, no faults, capacity to spare) nothing has a reason to wait: all are dialled.
  expect(dialled.length).toBe(CONTACTS_PER_STEP);

  const notPlaced = attempts.filter((a) => a.status === 'not_placed');
  const reasons = Object.fromEntries(
    [...groupBy(notPlaced, (a) => a.not_placed_reason ?? '?')].map(([r, as]) => [r, as.length]),
  );
  const reconciledPlaced = placed.filter((a) => a.call_sid === null).length;
  console.log(
    `killed at ${step}: ${run.crashes.length} crashes ` +
      `(at ${run.crashes.map((c) => `${(c.afterMs / 1000).toFixed(1)} s, hit ${c.hit}`).join('; ')}), ` +
      `settled at ${(run.settledAfterMs / 1000).toFixed(1)} s, ` +
      `${run.missed} runs without reaching the step, ${dials.length} dials for ${contacts.length} contacts, ` +
      `${attempts.length} attempts, ${reconciledPlaced} found placed by reconciliation, ` +
      `not placed: ${JSON.stringify(reasons)}`,
  );
}

describe.concurrent('a placement worker killed at any step never dials an attempt twice and loses no contact', () => {
  it.for(PLACEMENT_STEPS.map((step, index) => ({ step, index })))(
    'killed repeatedly at "$step"',
    { timeout: 600_000 },
    async ({ step, index }, { expect }) => {
      const db = await createTestDatabase();
      try {
        const { portalId, agentId, phoneNumberId } = sandbox.demoPortal;
        await insertPortal(db.pool, portalId);
        const campaign = await insertCampaign(db.pool, {
          portalId,
          agentId,
          phoneNumberId,
          concurrencyCap: CONTACTS_PER_STEP,
          dialsPerSecond: 20,
          requireConsent: true,
          retryPolicy: {},
        });
        const ids = callableDemoContacts(CONTACTS_PER_STEP, index * 1_000);
        await insertContacts(
          db.pool,
          portalId,
          campaign,
          ids.map((contactId, i) => ({ contactId, phone: usPhone(index * 100 + i) })),
        );
        const run = await crashRepeatedly(step, db, {
          databaseUrl: db.url,
          elevenLabsUrl: sandbox.elevenlabs.url,
          hubSpotUrl: sandbox.hubspot.url,
          clockOffsetMs: CLOCK_OFFSET_MS,
          concurrency: CONTACTS_PER_STEP,
        });
        await verifyNothingDoubledOrLost(expect, step, db, run);
      } finally {
        await db.drop();
      }
    },
  );
});
