import { createCampaignSchema, minutesOf } from '@fundraising/shared';
import { AppError } from '../../core/app-error.js';
import type { ServiceDeps } from '../../core/deps.js';
import { withTransaction } from '../../db/pool.js';
import { queryRow } from '../../db/statement.js';
import { dialProviderOf } from '../../elevenlabs/index.js';
import { type Campaign, findCampaign } from '../campaign-model.js';
import { enqueueImport } from '../import/index.js';
import * as q from '../queries.js';
import { type Actor, recordChange, SERVICE_ACTOR } from './campaign-changes.js';
import { assertFirstMessageAllowed } from './first-message.js';

export interface CreateOptions {
  readonly actor?: Actor;
  /**
   * The create request's key: the same key again (HubSpot's proxy retries a request that timed out) returns the
   * campaign the first request created instead of creating a second one.
   */
  readonly idempotencyKey?: string;
}

/**
 * Creates a campaign from the fundraiser's input and starts importing its list at once: nothing to set up by
 * hand. The input is validated by the shared schema (a ZodError names the field); the list, the agent and the
 * caller number are checked against HubSpot and ElevenLabs so a typo is a 400 now, not a failed import later.
 */
export async function createCampaign(
  deps: ServiceDeps,
  portalId: number,
  body: unknown,
  options: CreateOptions = {},
): Promise<Campaign> {
  const input = createCampaignSchema.parse(body);
  const actor = options.actor ?? SERVICE_ACTOR;
  const key = options.idempotencyKey ?? null;
  if (key !== null) {
    const earlier = await queryRow(deps.pool, q.FIND_CAMPAIGN_BY_IDEMPOTENCY_KEY, [portalId, key]);
    if (earlier) return existing(deps, portalId, earlier.id);
  }

  const list = await deps.hubspot.forPortal(portalId).getList(input.listId);
  if (!list) throw AppError.badRequest('listId', `no HubSpot contact list ${input.listId} in this portal`);

  const numbers = await deps.elevenlabs.listPhoneNumbers();
  const number = numbers.find((n) => n.phoneNumberId === input.phoneNumberId);
  if (!number)
    throw AppError.badRequest('phoneNumberId', `no ElevenLabs phone number ${input.phoneNumberId}`);
  const provider = dialProviderOf(number);
  if (!provider) throw AppError.badRequest('phoneNumberId', 'this phone number cannot place outbound calls');

  const agents = await deps.elevenlabs.listAgents();
  if (!agents.some((a) => a.agentId === input.agentId)) {
    throw AppError.badRequest('agentId', `no ElevenLabs agent ${input.agentId}`);
  }
  if (input.firstMessage !== undefined) await assertFirstMessageAllowed(deps.elevenlabs, input.agentId);

  const created = await withTransaction(deps.pool, async (tx): Promise<{ id: string | null }> => {
    const inserted = await queryRow(tx, q.INSERT_CAMPAIGN, [
      portalId,
      input.name,
      input.listId,
      input.agentId,
      input.phoneNumberId,
      provider,
      [...new Set(input.window.days)].sort(),
      minutesOf(input.window.start),
      minutesOf(input.window.end),
      input.window.blackoutDates,
      input.defaultTimeZone ?? null,
      input.retryPolicy,
      input.maxAttempts,
      input.concurrencyCap,
      input.dailyCap,
      input.dialsPerSecond,
      // Starts now on the engine's clock unless told otherwise (Postgres' now() is real time, which a shifted or
      // accelerated engine clock is not: a campaign would wait for that instant, or start before its clock's now).
      input.startsAt ?? new Date(deps.clock.now()).toISOString(),
      input.consent.required,
      input.consent.property,
      input.doNotCallProperty,
      input.variableProperties,
      input.defaultRegion,
      input.classification,
      key,
      actor.userId,
      input.firstMessage ?? null,
      input.openForEnrolments,
    ]);
    // A concurrent request with the same key won the insert: answer with its campaign.
    if (!inserted) return { id: null };
    const campaignId = inserted.id;
    await recordChange(tx, { portalId, campaignId, actor, action: 'created', at: deps.clock.now() });
    await enqueueImport(deps.boss, tx, { portalId, campaignId });
    return { id: campaignId };
  });
  if (created.id === null) {
    const earlier =
      key === null
        ? undefined
        : await queryRow(deps.pool, q.FIND_CAMPAIGN_BY_IDEMPOTENCY_KEY, [portalId, key]);
    if (!earlier) throw new Error('campaign insert conflicted but no campaign has its key');
    return existing(deps, portalId, earlier.id);
  }
  const id = created.id;
  const campaign = await findCampaign(deps.pool, portalId, id);
  if (!campaign) throw new Error('created campaign not found');
  deps.logger.info({ portalId, campaignId: id, listId: input.listId }, 'campaign created; import queued');
  return campaign;
}

async function existing(deps: ServiceDeps, portalId: number, id: string): Promise<Campaign> {
  const campaign = await findCampaign(deps.pool, portalId, id);
  if (!campaign) throw new Error('campaign of an idempotency key not found');
  return campaign;
}
