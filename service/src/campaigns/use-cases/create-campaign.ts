import { createCampaignSchema, minutesOf } from '@fundraising/shared';
import { AppError } from '../../core/app-error.js';
import type { ServiceDeps } from '../../core/deps.js';
import { withTransaction } from '../../db/pool.js';
import { queryRow } from '../../db/statement.js';
import { dialProviderOf } from '../../elevenlabs/index.js';
import { type Campaign, findCampaign } from '../campaign-model.js';
import { enqueueImport } from '../import/index.js';
import * as q from '../queries.js';

/**
 * Creates a campaign from the fundraiser's input and starts importing its list at once: nothing to set up by
 * hand. The input is validated by the shared schema (a ZodError names the field); the list, the agent and the
 * caller number are checked against HubSpot and ElevenLabs so a typo is a 400 now, not a failed import later.
 */
export async function createCampaign(deps: ServiceDeps, portalId: number, body: unknown): Promise<Campaign> {
  const input = createCampaignSchema.parse(body);

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

  const id = await withTransaction(deps.pool, async (tx) => {
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
      input.startsAt ?? null,
      input.consent.required,
      input.consent.property,
      input.doNotCallProperty,
      input.variableProperties,
      input.defaultRegion,
      input.classification,
    ]);
    const campaignId = inserted?.id;
    if (!campaignId) throw new Error('campaign insert returned no id');
    await enqueueImport(deps.boss, tx, { portalId, campaignId });
    return campaignId;
  });
  const campaign = await findCampaign(deps.pool, portalId, id);
  if (!campaign) throw new Error('created campaign not found');
  deps.logger.info({ portalId, campaignId: id, listId: input.listId }, 'campaign created; import queued');
  return campaign;
}
