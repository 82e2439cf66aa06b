import { randomUUID } from 'node:crypto';
import { minutesOf } from '@fundraising/shared';
import type { ClockDefinition } from '../../service/src/core/accelerated-clock.js';
import type { SandboxFakesInfo } from '../../service/src/sandbox/index.js';
import { type Cluster, startCluster } from '../helpers/scale-out-cluster.js';
import { waitWhileProgressing } from '../helpers/wait.js';
import { peopleOf } from './loop-inputs.js';
import {
  enrolThroughWorkflow,
  installThroughOAuth,
  readDials,
  readFakesInfo,
  readHubSpotRecords,
  readListMembers,
  recordCounts,
  runClock,
  type SignedApi,
  signedApi,
  withCampaignNames,
} from './loop-surface.js';
import type { CampaignInput, EnrolmentInput, RetryRuleInput, RunInputs, RunRecords } from './records.js';

/**
 * The whole product through its public surface, on one accelerated simulated day: the shared fakes, one web and
 * N worker processes on one database (the README's scale-out set-up); portals installed through OAuth, campaigns
 * created and launched through the signed /api, contacts enrolled by HubSpot workflows. It waits on observable
 * progress until everything is done and returns what the outside world recorded and what the run asked for, for
 * `checkInvariants`. Fault runs can pass their own fakes/service settings and act once the clock runs.
 */

/** Which sandbox organisation a campaign belongs to: the pre-connected demo portal or an installed one. */
export type LoopPortal = 'demo' | 'installed-1' | 'installed-2';

export interface LoopCampaignPlan {
  readonly key: string;
  readonly portal: LoopPortal;
  readonly listId: string;
  readonly window: { readonly days: readonly number[]; readonly start: string; readonly end: string };
  readonly concurrencyCap: number;
  readonly maxAttempts: number;
  readonly retryPolicy: Readonly<Record<string, RetryRuleInput>>;
  readonly dialsPerSecond: number;
  /** Open for workflow enrolments: these contacts are enrolled through the fake's workflow. */
  readonly enrol?: readonly string[];
}

export interface FullLoopOptions {
  readonly databaseUrl: string;
  /** The simulated instant the (held) clock starts from: before any window opens. */
  readonly clockStart: string;
  /** Simulated ms per real ms. */
  readonly speed: number;
  /**
   * Calls last this many times their story's length (simulated): long next to the engine's own real-time work
   * around each dial, so calls in flight at the provider reach the caps.
   */
  readonly callStretch: number;
  readonly workers: number;
  readonly accountCap: number;
  readonly frequencyCapPer24h: number;
  readonly campaigns: readonly LoopCampaignPlan[];
  /** Real latency a dial may have between the engine's last check and the provider (dialLagMs = this x speed). */
  readonly realDialLagMs: number;
  readonly fakesEnv?: Record<string, string>;
  readonly serviceEnv?: Record<string, string>;
  /** Called once the simulated day runs (fault runs act here). */
  readonly whileRunning?: (cluster: Cluster, info: SandboxFakesInfo) => Promise<void>;
  readonly log?: (line: string) => void;
}

export interface LoopCampaignResult {
  readonly key: string;
  readonly id: string;
  readonly name: string;
  readonly portalId: number;
  /** GET /api/campaigns/:id/import-preview and /stats at the end. */
  // biome-ignore lint/suspicious/noExplicitAny: API answers as they came, for the test's exercise checks
  readonly preview: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  readonly stats: any;
}

export interface FullLoopResult {
  readonly records: RunRecords;
  readonly inputs: RunInputs;
  readonly campaigns: readonly LoopCampaignResult[];
  readonly clock: ClockDefinition;
  readonly setupMs: number;
  readonly runMs: number;
  /** Simulated time from the clock's start to the end of the run. */
  readonly simulatedMs: number;
}

interface Launched {
  readonly plan: LoopCampaignPlan;
  readonly id: string;
  readonly name: string;
  readonly portalId: number;
  readonly api: SignedApi;
}

export async function runFullLoop(options: FullLoopOptions): Promise<FullLoopResult> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const cluster = await startCluster({
    databaseUrl: options.databaseUrl,
    workers: options.workers,
    fakesEnv: {
      SANDBOX_CLOCK_START: options.clockStart,
      SANDBOX_CLOCK_SPEED: String(options.speed),
      SANDBOX_CLOCK_HOLD: 'true',
      SANDBOX_EXTRA_PORTALS: '2',
      SANDBOX_TIME_SCALE: String(options.callStretch / options.speed),
      // Above the account cap: the provider never refuses a dial for capacity in a clean run.
      SANDBOX_CONCURRENCY_LIMIT: String(options.accountCap * 4),
      ...options.fakesEnv,
    },
    serviceEnv: {
      ACCOUNT_CONCURRENCY_CAP: String(options.accountCap),
      FREQUENCY_CAP_PER_24H: String(options.frequencyCapPer24h),
      ...options.serviceEnv,
    },
  });
  try {
    const info = await readFakesInfo(cluster.fakesUrl);
    const [first, second] = info.extraPortals;
    if (!first || !second) throw new Error('the fakes have no extra portals (SANDBOX_EXTRA_PORTALS)');
    const portals: Record<LoopPortal, number> = {
      demo: info.demoPortal.portalId,
      'installed-1': first.portalId,
      'installed-2': second.portalId,
    };
    for (const portalId of [first.portalId, second.portalId])
      await installThroughOAuth(cluster.webUrl, portalId);
    log(`installed portals ${first.portalId} and ${second.portalId} through OAuth`);

    const launched = await createAndLaunch(options, info, portals);
    const enrolments = await enrolAll(info, launched);
    // The people as set up, read before the day begins: the run's own write-back (an opt-out sets the contact's
    // do-not-call property) must not rewrite what the checker was given.
    const contacts = [
      ...(
        await Promise.all(
          launched.map(async (c) =>
            (
              await readListMembers(info.hubspotUrl, c.portalId, c.plan.listId)
            ).map((contactId) => ({
              portalId: c.portalId,
              contactId,
            })),
          ),
        )
      ).flat(),
      ...enrolments.map((e) => ({ portalId: e.portalId, contactId: e.contactId })),
    ];
    const people = await peopleOf(info.hubspotUrl, contacts);
    const setupMs = Date.now() - started;
    await runClock(cluster.fakesUrl);
    const runStarted = Date.now();
    log(`setup ${(setupMs / 1000).toFixed(1)} s; the simulated day runs (x${options.speed})`);
    await options.whileRunning?.(cluster, info);

    await waitForTheEnd(cluster.fakesUrl, info, launched, enrolments, log).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${cluster.output()}`);
    });
    const runMs = Date.now() - runStarted;
    const clock = (await readFakesInfo(cluster.fakesUrl)).clock;
    if (clock === null || clock.epochMs === null) throw new Error('the sandbox clock is not running');
    const simulatedMs = (Date.now() - clock.epochMs) * clock.speed;

    const dials = await withCampaignNames(info.elevenlabsUrl, await readDials(info.elevenlabsUrl));
    const hubspot = await readHubSpotRecords(info.hubspotUrl);
    const inputs: RunInputs = {
      campaigns: launched.map(campaignInput),
      people,
      enrolments,
      accountCap: options.accountCap,
      frequencyCapPer24h: options.frequencyCapPer24h,
      portals: Object.values(portals),
      dialLagMs: options.realDialLagMs * options.speed,
    };
    const campaigns = await Promise.all(
      launched.map(async (c) => ({
        key: c.plan.key,
        id: c.id,
        name: c.name,
        portalId: c.portalId,
        preview: (await c.api.get(`/api/campaigns/${c.id}/import-preview`)).body,
        stats: (await c.api.get(`/api/campaigns/${c.id}/stats`)).body,
      })),
    );
    return { records: { dials, ...hubspot }, inputs, campaigns, clock, setupMs, runMs, simulatedMs };
  } finally {
    await cluster.stop();
  }
}

function campaignInput(c: Launched): CampaignInput {
  return {
    name: c.name,
    portalId: c.portalId,
    window: {
      days: c.plan.window.days,
      startMinute: minutesOf(c.plan.window.start),
      endMinute: minutesOf(c.plan.window.end),
      blackoutDates: [],
    },
    concurrencyCap: c.plan.concurrencyCap,
    maxAttempts: c.plan.maxAttempts,
    retryPolicy: c.plan.retryPolicy,
  };
}

const expectStatus = (what: string, answer: { status: number; body: unknown }, status: number) => {
  if (answer.status !== status)
    throw new Error(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
};

/** Creates every campaign through the signed /api, waits for its list import, then launches it. */
async function createAndLaunch(
  options: FullLoopOptions,
  info: SandboxFakesInfo,
  portals: Record<LoopPortal, number>,
): Promise<Launched[]> {
  const launched: Launched[] = [];
  for (const plan of options.campaigns) {
    const portalId = portals[plan.portal];
    const api = signedApi(info.hubspotUrl, portalId);
    const name = `Full loop ${plan.key}`;
    const created = await api.post('/api/campaigns', {
      name,
      listId: plan.listId,
      agentId: info.demoPortal.agentId,
      phoneNumberId: info.demoPortal.phoneNumberId,
      window: plan.window,
      retryPolicy: plan.retryPolicy,
      maxAttempts: plan.maxAttempts,
      concurrencyCap: plan.concurrencyCap,
      dialsPerSecond: plan.dialsPerSecond,
      openForEnrolments: plan.enrol !== undefined,
      idempotencyKey: randomUUID(),
    });
    expectStatus(`create ${name}`, created, 201);
    launched.push({ plan, id: String(created.body.id), name, portalId, api });
  }
  for (const c of launched) {
    const preview = async () => (await c.api.get(`/api/campaigns/${c.id}/import-preview`)).body;
    await waitWhileProgressing(
      async () => (await preview()).complete === true,
      async () => JSON.stringify((await preview()).import),
      { stallMs: 60_000, what: `${c.name}'s list import` },
    );
    expectStatus(`start ${c.name}`, await c.api.post(`/api/campaigns/${c.id}/start`), 200);
  }
  return launched;
}

/** The simulated instant (ms), from the fakes' clock definition. */
async function simulatedNow(fakesUrl: string): Promise<number> {
  const { clock } = await readFakesInfo(fakesUrl);
  if (clock === null) return Date.now();
  return clock.epochMs === null ? clock.startMs : clock.startMs + (Date.now() - clock.epochMs) * clock.speed;
}

/**
 * A night with every window shut records nothing for up to 12 simulated hours (72 s of real time at 600x): the
 * simulated quarter-day counts as progress, so only a system that records nothing across a whole quarter of a day
 * with work left (or the overall timeout) fails the wait.
 */
const QUARTER_DAY_MS = 6 * 3_600_000;

const contactsIn = async (c: Launched) =>
  Number((await c.api.get(`/api/campaigns/${c.id}/stats`)).body.contacts?.total ?? 0);

/**
 * Enrols each workflow campaign's contacts and waits until they are in the campaign (the enrolment job is
 * debounced) before the day begins. An enrolled contact already on the campaign's list joins the row it has.
 */
async function enrolAll(info: SandboxFakesInfo, launched: readonly Launched[]): Promise<EnrolmentInput[]> {
  const enrolments: EnrolmentInput[] = [];
  for (const c of launched) {
    if (!c.plan.enrol?.length) continue;
    const listed = new Set(await readListMembers(info.hubspotUrl, c.portalId, c.plan.listId));
    const expected = (await contactsIn(c)) + new Set(c.plan.enrol.filter((id) => !listed.has(id))).size;
    for (const e of await enrolThroughWorkflow(info.hubspotUrl, c.portalId, c.id, c.plan.enrol))
      enrolments.push({ portalId: c.portalId, campaignName: c.name, ...e });
    await waitWhileProgressing(
      async () => (await contactsIn(c)) >= expected,
      async () => String(await contactsIn(c)),
      { stallMs: 60_000, what: `${c.name}'s workflow enrolments (${expected} contacts)` },
    );
  }
  return enrolments;
}

async function waitForTheEnd(
  fakesUrl: string,
  info: SandboxFakesInfo,
  launched: readonly Launched[],
  enrolments: readonly EnrolmentInput[],
  log: (line: string) => void,
): Promise<void> {
  let loggedAt = Date.now();
  const closed = new Set<string>();
  const callbacks = new Set(enrolments.map((e) => e.callbackId));
  const state = async () => {
    const statuses = await Promise.all(
      launched.map(async (c) => {
        const stats = (await c.api.get(`/api/campaigns/${c.id}/stats`)).body;
        const byState = (stats.contacts?.byState ?? {}) as Record<string, number>;
        const open = (byState.imported ?? 0) + (byState.queued ?? 0) + (byState.dialing ?? 0);
        // A campaign open for enrolments stays active while idle: once its contacts are done, close it.
        if (c.plan.enrol !== undefined && open === 0 && !closed.has(c.id)) {
          expectStatus(
            `close ${c.name}`,
            await c.api.patch(`/api/campaigns/${c.id}`, { openForEnrolments: false }),
            200,
          );
          closed.add(c.id);
        }
        return `${c.plan.key}:${stats.status}:${JSON.stringify(byState)}`;
      }),
    );
    const { dials, calls, writes, completions } = await recordCounts(info);
    if (Date.now() - loggedAt >= 15_000) {
      loggedAt = Date.now();
      log(
        `${new Date(await simulatedNow(fakesUrl)).toISOString()}: ${dials} dials, ${calls} engagements, ${writes} property writes, ${completions} completions`,
      );
    }
    return { statuses, dials, calls, writes, completions };
  };
  let settledSince = 0;
  let lastCounts = '';
  await waitWhileProgressing(
    async () => {
      const s = await state();
      const done =
        s.statuses.every((x) => x.includes(':completed:')) &&
        s.calls >= s.dials &&
        s.completions >= callbacks.size;
      const counts = JSON.stringify([s.dials, s.calls, s.writes, s.completions]);
      if (!done || counts !== lastCounts) {
        lastCounts = counts;
        settledSince = Date.now();
        return false;
      }
      // Write-back sends a run's engagements, then its contacts' properties: wait until nothing more arrives.
      return Date.now() - settledSince >= 6_000;
    },
    async () =>
      JSON.stringify({
        ...(await state()),
        quarter: Math.floor((await simulatedNow(fakesUrl)) / QUARTER_DAY_MS),
      }),
    {
      stallMs: 120_000,
      timeoutMs: 30 * 60_000,
      intervalMs: 1_000,
      what: 'every campaign, call and callback to finish',
    },
  );
}
