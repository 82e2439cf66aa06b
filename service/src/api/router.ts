import { Router } from 'express';
import { hubspotSignedCaller } from '../http/hubspot-signed.js';
import { callNowRoutes } from './call-now-routes.js';
import { campaignRoutes } from './campaign-routes.js';
import { catalogRoutes } from './catalog-routes.js';
import { contactRoutes } from './contact-routes.js';
import type { HubSpotSurfaceContext } from './context.js';
import { exportLinkRoutes } from './export-link-routes.js';
import { requireConnectedPortal } from './portal-guard.js';
import { resultRoutes } from './results-routes.js';
import { safetyRoutes } from './safety-routes.js';
import { settingsRoutes } from './settings-routes.js';
import { voicePreviewRoutes } from './voice-preview-routes.js';

/**
 * The signed API under /api: every request carries HubSpot's v3 signature and the caller (portal, user) from the
 * signed query string; the portal must be connected. Routes of each area are mounted behind that.
 */
export function apiRoutes(ctx: HubSpotSurfaceContext): Router {
  const router = Router();
  // Voice previews are opened by the browser from a short-lived signed link (no HubSpot signature): before /api.
  router.use(voicePreviewRoutes(ctx));
  // So is a campaign's CSV export, downloaded from a short-lived signed link (the signed POST makes it).
  router.use(exportLinkRoutes(ctx));
  router.use(
    '/api',
    ...hubspotSignedCaller({ clientSecret: ctx.clientSecret, publicUrl: ctx.publicUrl, clock: ctx.clock }),
    requireConnectedPortal(ctx.deps.pool),
  );
  router.use(catalogRoutes(ctx), campaignRoutes(ctx), resultRoutes(ctx), contactRoutes(ctx));
  router.use(callNowRoutes(ctx));
  router.use(settingsRoutes(ctx));
  router.use(safetyRoutes(ctx));
  return router;
}
