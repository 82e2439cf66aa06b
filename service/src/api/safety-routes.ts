import type { SafetyView } from '@fundraising/shared';
import { Router } from 'express';
import { diallingState } from '../safety/index.js';
import type { HubSpotSurfaceContext } from './context.js';

/**
 * The safety switches as the extension shows them: whether all dialling is stopped service-wide (who, when, why).
 * Read-only here; ops change it at /ops/dialling.
 */
export function safetyRoutes(ctx: HubSpotSurfaceContext): Router {
  const router = Router();
  router.get('/api/safety', async (_req, res) => {
    const answer: SafetyView = { dialling: await diallingState(ctx.deps.pool) };
    res.json(answer);
  });
  return router;
}
