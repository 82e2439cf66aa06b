import { Router } from 'express';
import type { HubSpotSurfaceContext } from './context.js';

export function catalogRoutes(_ctx: HubSpotSurfaceContext): Router {
  return Router();
}
