import {
  campaignOptionsRequestSchema,
  PLACE_CALL_ACTION_PATHS,
  placeCallExecutionSchema,
} from '@fundraising/shared';
import { Router } from 'express';
import type { HubSpotSurfaceContext } from '../api/index.js';
import { hubspotSigned } from '../http/hubspot-signed.js';
import { campaignOptions } from './campaign-options.js';
import { receiveExecution } from './receive-execution.js';

/**
 * What HubSpot's workflows call: executions of "Place AI call" (answered BLOCK at once; the callback is completed
 * when the call's outcome is known) and the campaign dropdown's options. Both are signed by HubSpot (v3, or the
 * older v2 workflow actions may carry), checked over the raw body before anything is parsed; the portal is the one
 * in the signed body (origin.portalId). Repeated executions are deduplicated on their callbackId, which is also
 * what makes v2's lack of a timestamp safe here.
 */
export function workflowActionRoutes(ctx: HubSpotSurfaceContext): Router {
  const router = Router();
  const signed = hubspotSigned({
    clientSecret: ctx.clientSecret,
    publicUrl: ctx.publicUrl,
    clock: ctx.clock,
    allowV2: true,
  });

  router.post(PLACE_CALL_ACTION_PATHS.actionUrl, ...signed, async (req, res) => {
    const execution = placeCallExecutionSchema.parse(req.body);
    const { answer } = await receiveExecution(ctx.deps, execution);
    res.json(answer);
  });

  router.post(PLACE_CALL_ACTION_PATHS.campaignOptionsUrl, ...signed, async (req, res) => {
    const request = campaignOptionsRequestSchema.parse(req.body);
    res.json(await campaignOptions(ctx.deps.pool, request));
  });

  return router;
}
