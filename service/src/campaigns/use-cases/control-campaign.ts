import { type CampaignStatus, editCampaignSchema, minutesOf } from '@fundraising/shared';
import { AppError } from '../../core/app-error.js';
import type { ServiceDeps } from '../../core/deps.js';
import { withTransaction } from '../../db/pool.js';
import { execute } from '../../db/statement.js';
import { type Campaign, findCampaign, lockCampaign } from '../campaign-model.js';
import * as q from '../queries.js';
import { type Actor, recordChange, SERVICE_ACTOR } from './campaign-changes.js';
import { assertFirstMessageAllowed } from './first-message.js';
import { scheduleContacts } from './schedule-contacts.js';

/**
 * Campaign controls. Each runs in one transaction on the locked campaign row, checks the transition is allowed
 * (a 409 names the current status otherwise) and takes effect on the next dispatch. Calls in progress are never
 * cut off: pausing or cancelling only stops new dials.
 */

async function transition(
  deps: ServiceDeps,
  portalId: number,
  campaignId: string,
  from: readonly CampaignStatus[],
  actor: Actor,
  action: string,
  apply: (
    campaign: Campaign,
    tx: import('../../db/pool.js').PoolClient,
    nowMs: number,
  ) => Promise<CampaignStatus>,
): Promise<Campaign> {
  const now = deps.clock.now();
  await withTransaction(deps.pool, async (tx) => {
    const campaign = await lockCampaign(tx, portalId, campaignId);
    if (!campaign) throw AppError.notFound(`campaign ${campaignId}`);
    if (!from.includes(campaign.status)) {
      throw new AppError({
        code: 'invalid_state',
        status: 409,
        message: `campaign is ${campaign.status}; allowed from: ${from.join(', ')}`,
      });
    }
    const status = await apply(campaign, tx, now);
    await execute(tx, q.SET_CAMPAIGN_STATUS, [
      campaignId,
      portalId,
      status,
      new Date(now),
      actor.reason ?? null,
    ]);
    await recordChange(tx, {
      portalId,
      campaignId,
      actor,
      action,
      at: now,
      detail: { from: campaign.status, to: status },
    });
  });
  const updated = await findCampaign(deps.pool, portalId, campaignId);
  if (!updated) throw AppError.notFound(`campaign ${campaignId}`);
  deps.logger.info({ portalId, campaignId, status: updated.status }, 'campaign status changed');
  return updated;
}

/** Launch: every imported contact is queued at its first allowed time (from the start time, in its zone). */
export function startCampaign(
  deps: ServiceDeps,
  portalId: number,
  campaignId: string,
  actor: Actor = SERVICE_ACTOR,
): Promise<Campaign> {
  return transition(deps, portalId, campaignId, ['ready'], actor, 'launched', async (campaign, tx, now) => {
    await scheduleContacts(tx, campaign, Math.max(now, campaign.startsAt.getTime()), 'imported', now);
    return 'active';
  });
}

export function pauseCampaign(
  deps: ServiceDeps,
  portalId: number,
  campaignId: string,
  actor: Actor = SERVICE_ACTOR,
): Promise<Campaign> {
  return transition(deps, portalId, campaignId, ['active'], actor, 'paused', async () => 'paused');
}

export function resumeCampaign(
  deps: ServiceDeps,
  portalId: number,
  campaignId: string,
  actor: Actor = SERVICE_ACTOR,
): Promise<Campaign> {
  return transition(deps, portalId, campaignId, ['paused'], actor, 'resumed', async () => 'active');
}

export function cancelCampaign(
  deps: ServiceDeps,
  portalId: number,
  campaignId: string,
  actor: Actor = SERVICE_ACTOR,
): Promise<Campaign> {
  return transition(
    deps,
    portalId,
    campaignId,
    ['draft', 'importing', 'ready', 'active', 'paused'],
    actor,
    'cancelled',
    async () => 'cancelled',
  );
}

/**
 * Edits window, caps, pacing and retry policy, live. The dispatcher re-checks the window and caps at every claim,
 * so a narrower window or a lower cap holds from the next tick; contacts that were waiting only for the window
 * are rescheduled so a wider window lets them in at once.
 */
export async function editCampaign(
  deps: ServiceDeps,
  portalId: number,
  campaignId: string,
  body: unknown,
  actor: Actor = SERVICE_ACTOR,
): Promise<Campaign> {
  const edit = editCampaignSchema.parse(body);
  if (typeof edit.firstMessage === 'string') {
    // A campaign's agent never changes, so checking it before the transaction is not racy.
    const current = await findCampaign(deps.pool, portalId, campaignId);
    if (!current) throw AppError.notFound(`campaign ${campaignId}`);
    await assertFirstMessageAllowed(deps.elevenlabs, current.agentId);
  }
  const now = deps.clock.now();
  await withTransaction(deps.pool, async (tx) => {
    const campaign = await lockCampaign(tx, portalId, campaignId);
    if (!campaign) throw AppError.notFound(`campaign ${campaignId}`);
    if (campaign.status === 'completed' || campaign.status === 'cancelled') {
      throw new AppError({ code: 'invalid_state', status: 409, message: `campaign is ${campaign.status}` });
    }
    await execute(tx, q.EDIT_CAMPAIGN, [
      campaignId,
      portalId,
      edit.name ?? null,
      edit.window ? [...new Set(edit.window.days)].sort() : null,
      edit.window ? minutesOf(edit.window.start) : null,
      edit.window ? minutesOf(edit.window.end) : null,
      edit.window ? edit.window.blackoutDates : null,
      edit.defaultTimeZone !== undefined,
      edit.defaultTimeZone ?? null,
      edit.retryPolicy ?? null,
      edit.maxAttempts ?? null,
      edit.concurrencyCap ?? null,
      edit.dailyCap ?? null,
      edit.dialsPerSecond ?? null,
      new Date(now),
      edit.firstMessage !== undefined,
      edit.firstMessage ?? null,
      edit.variableProperties ?? null,
      edit.openForEnrolments ?? null,
    ]);
    await recordChange(tx, { portalId, campaignId, actor, action: 'edited', at: now, detail: edit });
    if (edit.window) {
      const updated = await lockCampaign(tx, portalId, campaignId);
      if (updated) await scheduleContacts(tx, updated, now, 'waiting_for_window', now);
    }
  });
  const updated = await findCampaign(deps.pool, portalId, campaignId);
  if (!updated) throw AppError.notFound(`campaign ${campaignId}`);
  return updated;
}
