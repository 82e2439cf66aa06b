import { Router } from 'express';
import type { HubSpotSurfaceContext } from './context.js';

export function voicePreviewRoutes(_ctx: HubSpotSurfaceContext): Router {
  return Router();
}
