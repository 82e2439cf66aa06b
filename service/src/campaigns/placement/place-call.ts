import { type CallingWindow, isCallAllowedAt, nextAllowedInstant } from '../../calling-window/index.js';
import { bossDb, type ServiceDeps } from '../../core/deps.js';
import { withTransaction } from '../../db/pool.js';
import { execute, queryRow, type RowOf } from '../../db/statement.js';
import type { DialResult } from '../../elevenlabs/index.js';
import { maskPhone } from '../../logger.js';
import { checkCampaignBreaker, DIALLING_STOPPED_REASON, isDiallingStopped } from '../../safety/index.js';
import { pauseCampaign } from '../use-cases/control-campaign.js';
import { crmDialProperties, type StoredDialCheck } from './crm-dial-check.js';
import { markPlaced } from './mark-placed.js';
import { type AttemptJob, RECONCILE_DIAL_QUEUE } from './placement-queue.js';
import * as q from './queries.js';

/** Named points of the placement, where the crash test kills the worker. */
export type PlacementStep = 'loaded' | 'checked' | 'paced' | 'marked-dialing' | 'answered' | 'recorded';

export interface PlacementHooks {
  /** Called at each step; the crash test exits the process here. */
  readonly checkpoint?: (step: PlacementStep, attemptId: string) => void;
}

type AttemptRow = RowOf<typeof q.LOAD_ATTEMPT>;

const RETRY_SOON_MS = 60_000;
/** Beyond this the pacing queue is too long: give the slot back rather than hold it while waiting. */
const MAX_PACING_WAIT_MS = 10_000;
const AT_CAPACITY_DEFAULT_MS = 5_000;
const RECONCILE_FIRST_CHECK_SECONDS = 15;

/**
 * Places one claimed attempt. Re-checks everything at dial time (campaign still active, calling window, the
 * do-not-call list, the contact's do-not-call property and consent in HubSpot, the frequency cap), waits for the
 * caller number's pacing slot, commits the attempt as `dialing` BEFORE the request leaves, then dials once.
 * Running it again for the same attempt is safe: a `dialing` attempt found here means a worker died mid-dial,
 * and it goes to reconciliation, never to a second dial.
 */
export async function placeCall(
  deps: ServiceDeps,
  job: AttemptJob,
  hooks: PlacementHooks = {},
): Promise<void> {
  const checkpoint = (step: PlacementStep) => hooks.checkpoint?.(step, job.attemptId);
  const attempt = await queryRow(deps.pool, q.LOAD_ATTEMPT, [job.attemptId, job.portalId]);
  if (!attempt) return;
  checkpoint('loaded');
  if (attempt.status === 'dialing') {
    await markUnknown(deps, attempt, 'worker stopped during the dial');
    return;
  }
  if (attempt.status !== 'claimed') return; // already placed, reconciled or released: nothing left to do

  const refusal = await refusalAtDialTime(deps, attempt);
  if (refusal) {
    await release(deps, attempt, refusal);
    return;
  }
  checkpoint('checked');

  const waitMs = await takePacingSlot(deps, attempt);
  if (waitMs > MAX_PACING_WAIT_MS) {
    await release(deps, attempt, { kind: 'requeue', atMs: deps.clock.now() + waitMs, reason: 'pacing' });
    return;
  }
  if (waitMs > 0) await deps.clock.sleep(waitMs);
  checkpoint('paced');
  // The stop-all-dialling switch may have been set while this attempt waited: it binds up to the dial.
  if (await isDiallingStopped(deps.pool)) {
    await release(deps, attempt, diallingStopped(deps));
    return;
  }
  // The window is checked again as the request leaves: the pacing wait (up to 10 s) and the HubSpot read since the
  // first check could otherwise carry a dial past the window's end.
  const closed = windowRefusal(attempt, deps.clock.now());
  if (closed) {
    await release(deps, attempt, closed);
    return;
  }

  const marked = await execute(deps.pool, q.MARK_ATTEMPT_DIALING, [attempt.id, new Date(deps.clock.now())]);
  if (marked !== 1) return; // another worker got here first
  checkpoint('marked-dialing');
  if (attempt.due_at)
    deps.metrics?.dueToDial(Math.max(0, deps.clock.now() - attempt.due_at.getTime()) / 1000);

  const result = await deps.elevenlabs.placeOutboundCall({
    agentId: attempt.agent_id,
    phoneNumberId: attempt.phone_number_id,
    provider: attempt.phone_provider,
    toNumber: attempt.phone_e164,
    dynamicVariables: { ...attempt.variables, campaign_name: attempt.campaign_name },
    userId: attempt.id,
    ringingTimeoutSecs: deps.settings.ringingTimeoutSecs,
    // The campaign's opening line, read with the attempt: an edit made before this dial applies to it.
    ...(attempt.first_message === null ? {} : { firstMessage: attempt.first_message }),
  });
  checkpoint('answered');
  deps.metrics?.dialResult(result.kind === 'at-capacity' ? 'at_capacity' : result.kind);
  await recordDialResult(deps, attempt, result);
  checkpoint('recorded');
}

type Refusal =
  | { kind: 'requeue'; atMs: number; reason: string }
  | { kind: 'skip'; skipReason: 'suppressed' | 'no_consent'; reason: string }
  | { kind: 'finish'; outcome: 'failed'; reason: string };

/** All dialling is stopped: the contact waits, first in line once dialling resumes (the dispatcher holds until then). */
function diallingStopped(deps: ServiceDeps): Refusal {
  return { kind: 'requeue', atMs: deps.clock.now(), reason: DIALLING_STOPPED_REASON };
}

async function refusalAtDialTime(deps: ServiceDeps, a: AttemptRow): Promise<Refusal | null> {
  const now = deps.clock.now();
  if (await isDiallingStopped(deps.pool)) return diallingStopped(deps);
  if (a.campaign_status !== 'active')
    return { kind: 'requeue', atMs: now, reason: `campaign_${a.campaign_status}` };
  const outside = windowRefusal(a, now);
  if (outside) return outside;
  const suppressed = await queryRow(deps.pool, q.IS_SUPPRESSED, [a.portal_id, a.phone_e164]);
  if (suppressed?.suppressed) return { kind: 'skip', skipReason: 'suppressed', reason: 'do_not_call_list' };
  const recent = await queryRow(deps.pool, q.DIALS_LAST_24H, [
    a.portal_id,
    a.phone_e164,
    a.id,
    new Date(now),
  ]);
  if ((recent?.n ?? 0) >= deps.settings.frequencyCapPer24h) {
    return { kind: 'requeue', atMs: now + 3_600_000, reason: 'frequency_cap' };
  }
  // The CRM is the source of truth for do-not-call and consent: read them close to the dial (a batched read
  // younger than the configured max age, else now), not only at import. Fail closed.
  let crm: StoredDialCheck | null;
  try {
    crm = await crmDialProperties(deps, a, now);
  } catch (error) {
    deps.logger.warn({ err: error, attemptId: a.id }, 'HubSpot unavailable at dial time: not dialling');
    return { kind: 'requeue', atMs: now + RETRY_SOON_MS, reason: 'hubspot_unavailable' };
  }
  if (!crm) return { kind: 'finish', outcome: 'failed', reason: 'contact_deleted' };
  if (crm.dnc === 'true') {
    await execute(deps.pool, q.SUPPRESS, [a.portal_id, a.phone_e164, 'hubspot_property', a.contact_id]);
    return { kind: 'skip', skipReason: 'suppressed', reason: 'hubspot_do_not_call' };
  }
  if (a.require_consent && crm.consent !== 'true') {
    return { kind: 'skip', skipReason: 'no_consent', reason: 'consent_withdrawn' };
  }
  return null;
}

/** Outside the campaign window or the legal hours at `now`: the contact waits for the next allowed instant. */
function windowRefusal(a: AttemptRow, now: number): Refusal | null {
  const who = { zones: a.time_zones, usState: a.us_state };
  const window = windowOf(a);
  if (isCallAllowedAt(now, who, window)) return null;
  const next = nextAllowedInstant(now, who, window);
  return { kind: 'requeue', atMs: next ?? now + 24 * 3_600_000, reason: 'outside_window' };
}

function windowOf(a: AttemptRow): CallingWindow {
  return {
    days: a.calling_days.map(Number),
    startMinute: a.window_start_minute,
    endMinute: a.window_end_minute,
    blackoutDates: a.blackout_dates,
  };
}

async function takePacingSlot(deps: ServiceDeps, a: AttemptRow): Promise<number> {
  const now = deps.clock.now();
  const slot = await queryRow(deps.pool, q.TAKE_PACING_SLOT, [
    a.phone_number_id,
    new Date(now),
    Number(a.dials_per_second),
  ]);
  return Math.max(0, (slot?.next_slot_at.getTime() ?? now) - now);
}

/** Gives the slot back without dialling: the attempt is certainly not placed. */
async function release(deps: ServiceDeps, a: AttemptRow, refusal: Refusal): Promise<void> {
  const at = new Date(deps.clock.now());
  await withTransaction(deps.pool, async (tx) => {
    await execute(tx, q.MARK_ATTEMPT_NOT_PLACED, [a.id, refusal.reason, at]);
    if (refusal.kind === 'requeue') {
      await execute(tx, q.REQUEUE_CONTACT, [
        a.campaign_contact_id,
        new Date(refusal.atMs),
        refusal.reason,
        at,
      ]);
    } else if (refusal.kind === 'skip') {
      await execute(tx, q.SKIP_CONTACT, [a.campaign_contact_id, refusal.skipReason, at]);
    } else {
      await execute(tx, q.FINISH_CONTACT, [a.campaign_contact_id, refusal.outcome, at]);
    }
  });
  deps.logger.info({ attemptId: a.id, reason: refusal.reason }, 'attempt released without dialling');
}

async function recordDialResult(deps: ServiceDeps, a: AttemptRow, result: DialResult): Promise<void> {
  const now = deps.clock.now();
  const at = new Date(now);
  const log = deps.logger.child({ attemptId: a.id, to: maskPhone(a.phone_e164) });
  switch (result.kind) {
    case 'placed':
      await withTransaction(deps.pool, (tx) =>
        markPlaced(
          deps,
          tx,
          { id: a.id, campaignContactId: a.campaign_contact_id },
          { conversationId: result.conversationId, callSid: result.callSid ?? result.sipCallId ?? null },
        ),
      );
      log.info({ conversationId: result.conversationId }, 'call placed');
      return;
    case 'at-capacity':
      // Not placed and not counted: the slot goes back and the contact is first in line again shortly.
      await withTransaction(deps.pool, async (tx) => {
        await execute(tx, q.MARK_ATTEMPT_NOT_PLACED, [a.id, `at_capacity: ${result.message}`, at]);
        const retryAt = new Date(now + (result.retryAfterMs ?? AT_CAPACITY_DEFAULT_MS));
        await execute(tx, q.REQUEUE_CONTACT, [a.campaign_contact_id, retryAt, 'at_capacity', at]);
      });
      log.warn({ message: result.message }, 'ElevenLabs at capacity: slot given back');
      return;
    case 'rejected':
      await withTransaction(deps.pool, async (tx) => {
        await execute(tx, q.MARK_ATTEMPT_NOT_PLACED, [
          a.id,
          `rejected ${result.status}: ${result.message}`,
          at,
        ]);
        await execute(tx, q.FINISH_CONTACT, [a.campaign_contact_id, 'failed', at]);
      });
      log.warn({ status: result.status, message: result.message }, 'dial rejected');
      // Too many refusals in a row mean a misconfigured number, an exhausted balance or a revoked key: the safety
      // breaker pauses the campaign rather than let it burn through its list.
      await checkCampaignBreaker(
        deps,
        { portalId: Number(a.portal_id), campaignId: a.campaign_id },
        { kind: 'rejected', status: result.status, message: result.message },
        (portalId, campaignId, actor) => pauseCampaign(deps, portalId, campaignId, actor),
      );
      return;
    case 'unknown':
      await markUnknown(deps, a, result.reason);
      return;
  }
}

/** The call may exist: nobody dials this contact again until reconciliation has looked for it. */
async function markUnknown(
  deps: ServiceDeps,
  a: Pick<AttemptRow, 'id' | 'portal_id'>,
  reason: string,
): Promise<void> {
  const at = new Date(deps.clock.now());
  await withTransaction(deps.pool, async (tx) => {
    await execute(tx, q.MARK_ATTEMPT_UNKNOWN, [a.id, reason, at]);
    await deps.boss.send(
      RECONCILE_DIAL_QUEUE.name,
      { attemptId: a.id, portalId: Number(a.portal_id) },
      { startAfter: RECONCILE_FIRST_CHECK_SECONDS, singletonKey: a.id, db: bossDb(tx) },
    );
  });
  deps.logger.warn({ attemptId: a.id, reason }, 'dial result unknown: reconciling before any redial');
}
