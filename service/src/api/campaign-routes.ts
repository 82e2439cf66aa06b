import {
  type CampaignPage,
  campaignActionRequestSchema,
  campaignListQuerySchema,
  createCampaignRequestSchema,
  editCampaignRequestSchema,
} from '@fundraising/shared';
import { type Request, type Response, Router } from 'express';
import {
  type Campaign,
  cancelCampaign,
  createCampaign,
  editCampaign,
  findCampaign,
  listCampaigns,
  pauseCampaign,
  resumeCampaign,
  startCampaign,
} from '../campaigns/index.js';
import { AppError } from '../core/app-error.js';
import type { ServiceDeps } from '../core/deps.js';
import { callerOf } from '../http/hubspot-signed.js';
import { toCampaignView } from './campaign-view.js';
import type { HubSpotSurfaceContext } from './context.js';
import { campaignIdOf, parseBody, parseQuery } from './parse-input.js';
import { fromUpstream } from './upstream.js';

type Control = (
  deps: ServiceDeps,
  portalId: number,
  campaignId: string,
  actor: { userId: number | null },
) => Promise<Campaign>;

/** The controls, by the last segment of their path. A transition the status does not allow is a 409. */
const CONTROLS: Record<'start' | 'pause' | 'resume' | 'cancel', Control> = {
  start: startCampaign,
  pause: pauseCampaign,
  resume: resumeCampaign,
  cancel: cancelCampaign,
};

/**
 * Campaigns: thin routes over the campaign use cases, each acting for the signed portal and recording the signed
 * HubSpot user as the actor. Another portal's campaign is a 404, never a 403.
 */
export function campaignRoutes(ctx: HubSpotSurfaceContext): Router {
  const router = Router();
  const { deps } = ctx;

  router.post('/api/campaigns', async (req, res) => {
    const { portalId, userId } = callerOf(res);
    const { idempotencyKey, ...campaign } = parseBody(createCampaignRequestSchema, req.body);
    // Create checks the list, agent and number with HubSpot and ElevenLabs.
    const created = await fromUpstream(() =>
      createCampaign(deps, portalId, campaign, { actor: { userId }, idempotencyKey }),
    );
    res.status(201).json(toCampaignView(created));
  });

  router.get('/api/campaigns', async (req, res) => {
    const { portalId } = callerOf(res);
    const query = parseQuery(campaignListQuerySchema, req.query);
    const { campaigns, total } = await listCampaigns(deps.pool, portalId, query);
    const page: CampaignPage = {
      items: campaigns.map(toCampaignView),
      total,
      offset: query.offset,
      limit: query.limit,
    };
    res.json(page);
  });

  router.get('/api/campaigns/:campaignId', async (req, res) => {
    const { portalId } = callerOf(res);
    const campaignId = campaignIdOf(req);
    const campaign = await findCampaign(deps.pool, portalId, campaignId);
    if (!campaign) throw AppError.notFound(`campaign ${campaignId}`);
    res.json(toCampaignView(campaign));
  });

  router.patch('/api/campaigns/:campaignId', async (req, res) => {
    const { portalId, userId } = callerOf(res);
    const campaignId = campaignIdOf(req);
    const edit = parseBody(editCampaignRequestSchema, req.body);
    // A first message is checked against the agent's settings in ElevenLabs.
    const updated = await fromUpstream(() => editCampaign(deps, portalId, campaignId, edit, { userId }));
    res.json(toCampaignView(updated));
  });

  for (const [action, control] of Object.entries(CONTROLS)) {
    router.post(`/api/campaigns/:campaignId/${action}`, async (req: Request, res: Response) => {
      const { portalId, userId } = callerOf(res);
      const campaignId = campaignIdOf(req);
      parseBody(campaignActionRequestSchema, req.body);
      const updated = await control(deps, portalId, campaignId, { userId });
      res.json(toCampaignView(updated));
    });
  }

  return router;
}
