import {
  type AgentCheckResult,
  agentCheckPathSchema,
  agentCheckRequestSchema,
  type SettingsView,
  updateSettingsRequestSchema,
} from '@fundraising/shared';
import { Router } from 'express';
import { callerOf } from '../http/hubspot-signed.js';
import { checkAgent, portalSettings, savePortalDefaults } from '../settings/index.js';
import type { HubSpotSurfaceContext } from './context.js';
import { parseBody } from './parse-input.js';
import { fromUpstream } from './upstream.js';

/**
 * The settings page: connection status and the portal's campaign defaults (read, saved whole), and the check of an
 * ElevenLabs agent against the ids the outcome classifier reads. Thin routes over the settings feature.
 */
export function settingsRoutes(ctx: HubSpotSurfaceContext): Router {
  const router = Router();
  const { deps } = ctx;

  router.get('/api/settings', async (_req, res) => {
    const { portalId } = callerOf(res);
    const answer: SettingsView = await portalSettings(deps, portalId);
    res.json(answer);
  });

  router.put('/api/settings', async (req, res) => {
    const { portalId, userId } = callerOf(res);
    // A missing body is an empty one, so the 400 names the missing field rather than "body".
    const { defaults } = parseBody(updateSettingsRequestSchema, req.body ?? {});
    await savePortalDefaults(deps, portalId, defaults, { userId });
    const answer: SettingsView = await portalSettings(deps, portalId);
    res.json(answer);
  });

  router.post('/api/elevenlabs/agents/:agentId/check', async (req, res) => {
    const { agentId } = parseBody(agentCheckPathSchema, req.params);
    const body = parseBody(agentCheckRequestSchema, req.body ?? {});
    const answer: AgentCheckResult = await fromUpstream(() =>
      checkAgent(deps, agentId, body.dataCollectionIds),
    );
    res.json(answer);
  });

  return router;
}
