import { Router } from 'express';
import { hubspotSignedCaller } from '../http/hubspot-signed.js';
import { campaignRoutes } from './campaign-routes.js';
import type { HubSpotSurfaceContext } from './context.js';
import { requireConnectedPortal } from './portal-guard.js';

/**
 * The signed API under /api: every request carries HubSpot's v3 signature and the caller (portal, user) from the
 * signed query string; the portal must be connected. Routes of each area are mounted behind that.
 */
export function apiRoutes(ctx: HubSpotSurfaceContext): Router {
  const router = Router();
  router.use(
    '/api',
    ...hubspotSignedCaller({ clientSecret: ctx.clientSecret, publicUrl: ctx.publicUrl, clock: ctx.clock }),
    requireConnectedPortal(ctx.deps.pool),
  );
  router.use(campaignRoutes(ctx));
  return router;
}
