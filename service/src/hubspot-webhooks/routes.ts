import { Router } from 'express';
import type { HubSpotSurfaceContext } from '../api/index.js';
import { hubspotSigned } from '../http/hubspot-signed.js';
import { storeWebhookBatch } from './store-batch.js';
import { parseWebhookBatch } from './webhook-events.js';

/**
 * POST /webhooks/hubspot. HubSpot's v3 signature over the raw body is checked first (401, nothing stored); the
 * batch (up to 100 events) is parsed (400 naming the field); the events are stored and applied, and only then
 * acknowledged: a 200 means they cannot be lost and already bind the next dial. A redelivered event is stored
 * once. Events of portals we do not serve, and types we do not act on, are stored and ignored.
 */
export function hubspotWebhookRoutes(ctx: HubSpotSurfaceContext): Router {
  const router = Router();
  router.post(
    '/webhooks/hubspot',
    ...hubspotSigned({
      clientSecret: ctx.clientSecret,
      publicUrl: ctx.publicUrl,
      clock: ctx.clock,
      arrayBodyName: 'events',
    }),
    async (req, res) => {
      const events = parseWebhookBatch(req.body);
      const result = await storeWebhookBatch(ctx.deps, events);
      res.status(200).json(result);
    },
  );
  return router;
}
