import { Router } from 'express';
import type { HubSpotSurfaceContext } from './context.js';

export function resultRoutes(_ctx: HubSpotSurfaceContext): Router {
  return Router();
}
