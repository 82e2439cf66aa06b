import { insertCampaign } from '../../../test/helpers/campaign-fixtures.js';
import { seedEndedAttempts } from '../../../test/helpers/results-seed.js';
import {
  type CampaignState,
  campaignEndpoints,
  contactEndpoints,
  type EndpointDescriptor,
  type PortalObjects,
  safetyEndpoints,
  settingsEndpoints,
} from './api-endpoints.js';
import type { ApiTestService } from './api-service.js';

/** What the security matrix and the fuzz suite both run over: every /api endpoint, and a portal's objects. */

const STATES: readonly CampaignState[] = ['ready', 'active', 'paused'];

/** A campaign of the portal in each state, each with five ended calls; one contact and attempt of the active one. */
export async function seedPortalObjects(
  t: ApiTestService,
  portalId: number,
  firstContactId: number,
): Promise<PortalObjects> {
  const campaignIds = { ready: '', active: '', paused: '' } satisfies Record<CampaignState, string>;
  for (const [i, state] of STATES.entries()) {
    const id = await insertCampaign(t.db.pool, { portalId, status: state, agentId: t.demo.agentId });
    campaignIds[state] = id;
    await seedEndedAttempts(t.db.pool, {
      portalId,
      campaignId: id,
      count: 5,
      firstContactId: firstContactId + i * 10,
    });
  }
  const attempt = await t.db.pool.query<{ id: string; contact_id: string }>(
    'SELECT id::text, contact_id FROM call_attempts WHERE campaign_id = $1 LIMIT 1',
    [campaignIds.active],
  );
  const row = attempt.rows[0];
  if (!row) throw new Error('no attempt seeded');
  return { portalId, campaignIds, contactId: row.contact_id, attemptId: row.id };
}

/** Every endpoint api-endpoints.ts describes, for the test service's demo list, agent and caller number. */
export function allApiEndpoints(t: ApiTestService): EndpointDescriptor[] {
  return [
    ...campaignEndpoints({
      listId: String(t.campaignBody.listId),
      agentId: t.demo.agentId,
      phoneNumberId: t.demo.phoneNumberId,
    }),
    ...contactEndpoints(),
    ...settingsEndpoints(t.demo.agentId),
    ...safetyEndpoints(),
  ];
}
