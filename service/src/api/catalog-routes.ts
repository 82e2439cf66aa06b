import {
  type AgentView,
  type HubSpotListsPage,
  hubspotListsQuerySchema,
  type PhoneNumberView,
  type VoiceView,
} from '@fundraising/shared';
import { Router } from 'express';
import { dialProviderOf } from '../elevenlabs/index.js';
import { callerOf } from '../http/hubspot-signed.js';
import { agentViews } from './agent-catalog.js';
import type { HubSpotSurfaceContext } from './context.js';
import { parseQuery } from './parse-input.js';
import { fromUpstream } from './upstream.js';

/**
 * What a campaign is built from: the calling portal's HubSpot contact lists (searched by name, paged) and the
 * ElevenLabs workspace's agents, caller numbers and voices. The ElevenLabs workspace is the service's own (one API
 * key), the same for every portal.
 */
export function catalogRoutes(ctx: HubSpotSurfaceContext): Router {
  const router = Router();
  const { deps } = ctx;

  router.get('/api/hubspot/lists', async (req, res) => {
    const { portalId } = callerOf(res);
    const query = parseQuery(hubspotListsQuerySchema, req.query);
    const page = await fromUpstream(() => deps.hubspot.forPortal(portalId).searchLists(query));
    const body: HubSpotListsPage = {
      items: page.lists.map((l) => ({
        listId: l.listId,
        name: l.name,
        processingType: l.processingType,
        size: l.size,
      })),
      nextOffset: page.offset,
      hasMore: page.hasMore,
    };
    res.json(body);
  });

  router.get('/api/elevenlabs/agents', async (_req, res) => {
    const items: AgentView[] = await fromUpstream(() => agentViews(deps.elevenlabs));
    res.json({ items });
  });

  router.get('/api/elevenlabs/phone-numbers', async (_req, res) => {
    const numbers = await fromUpstream(() => deps.elevenlabs.listPhoneNumbers());
    const items: PhoneNumberView[] = numbers.map((n) => ({
      phoneNumberId: n.phoneNumberId,
      phoneNumber: n.phoneNumber,
      label: n.label,
      provider: n.provider,
      canDialOut: dialProviderOf(n) !== null,
      assignedAgentId: n.assignedAgentId,
    }));
    res.json({ items });
  });

  router.get('/api/elevenlabs/voices', async (_req, res) => {
    const voices = await fromUpstream(() => deps.elevenlabs.listVoices());
    const items: VoiceView[] = voices.map((v) => ({
      voiceId: v.voiceId,
      name: v.name,
      category: v.category,
      description: v.description,
      previewUrl: v.previewUrl,
      labels: v.labels,
    }));
    res.json({ items });
  });

  return router;
}
