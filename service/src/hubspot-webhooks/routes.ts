import { Router } from 'express';
import type { HubSpotSurfaceContext } from '../api/index.js';

export function hubspotWebhookRoutes(_ctx: HubSpotSurfaceContext): Router {
  return Router();
}
