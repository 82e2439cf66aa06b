import { createCampaignRequestSchema } from '@fundraising/shared';
import { Router } from 'express';
import { createCampaign, findCampaign } from '../campaigns/index.js';
import { AppError } from '../core/app-error.js';
import { callerOf } from '../http/hubspot-signed.js';
import { toCampaignView } from './campaign-view.js';
import type { HubSpotSurfaceContext } from './context.js';

/** Campaigns: thin routes over the campaign use cases. Another portal's campaign is a 404, never a 403. */
export function campaignRoutes(ctx: HubSpotSurfaceContext): Router {
  const router = Router();
  const { deps } = ctx;

  router.post('/api/campaigns', async (req, res) => {
    const { portalId, userId } = callerOf(res);
    const { idempotencyKey, ...campaign } = createCampaignRequestSchema.parse(req.body);
    const created = await createCampaign(deps, portalId, campaign, { actor: { userId }, idempotencyKey });
    res.status(201).json(toCampaignView(created));
  });

  router.get('/api/campaigns/:campaignId', async (req, res) => {
    const { portalId } = callerOf(res);
    const campaign = await findCampaign(deps.pool, portalId, req.params.campaignId);
    if (!campaign) throw AppError.notFound(`campaign ${req.params.campaignId}`);
    res.json(toCampaignView(campaign));
  });

  return router;
}
