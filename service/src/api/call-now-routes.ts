import { callNowRequestSchema } from '@fundraising/shared';
import { Router } from 'express';
import { callContactNow } from '../campaigns/index.js';
import { callerOf } from '../http/hubspot-signed.js';
import type { HubSpotSurfaceContext } from './context.js';

/**
 * "Call this contact now" from the contact's record: the signed caller's portal and user, the campaign to call from
 * and the click's idempotency key. 200 either way: the body says whether the call is being placed or which rule
 * forbids it and when it would allow it. Another portal's campaign is a 404.
 */
export function callNowRoutes(ctx: HubSpotSurfaceContext): Router {
  const router = Router();

  router.post('/api/contacts/:contactId/call-now', async (req, res) => {
    const { portalId, userId } = callerOf(res);
    const { campaignId, idempotencyKey } = callNowRequestSchema.parse(req.body);
    const answer = await callContactNow(ctx.deps, {
      portalId,
      userId,
      contactId: req.params.contactId,
      campaignId,
      idempotencyKey,
    });
    res.json(answer);
  });

  return router;
}
