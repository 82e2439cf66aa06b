import { Router } from 'express';
import type { HubSpotSurfaceContext } from './context.js';

export function contactRoutes(_ctx: HubSpotSurfaceContext): Router {
  return Router();
}
