import {
  type AgentView,
  type HubSpotListsPage,
  hubspotListIdSchema,
  hubspotListsQuerySchema,
  type PhoneNumberView,
  type SampleContact,
  sampleContactQuerySchema,
  type VoiceView,
} from '@fundraising/shared';
import { Router } from 'express';
import { AppError } from '../core/app-error.js';
import { dialProviderOf } from '../elevenlabs/index.js';
import { callerOf } from '../http/hubspot-signed.js';
import { HubSpotApiError } from '../hubspot/index.js';
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

  // The wizard's rendered first-message preview: one real member of the list, read with the mapped properties.
  router.get('/api/hubspot/lists/:listId/sample-contact', async (req, res) => {
    const { portalId } = callerOf(res);
    const listId = hubspotListIdSchema.safeParse(req.params.listId);
    if (!listId.success) throw AppError.badRequest('listId', 'expected a HubSpot list id (digits)');
    const { properties } = parseQuery(sampleContactQuerySchema, req.query);
    const hubspot = deps.hubspot.forPortal(portalId);
    const sample = await fromUpstream(async () => {
      try {
        // A member deleted since it joined comes back missing: the next few are tried before giving up.
        const page = await hubspot.getListMembershipsPage(listId.data, undefined, 10);
        if (page.recordIds.length === 0) return null;
        const read = await hubspot.batchReadContacts(page.recordIds, properties);
        const byId = new Map(read.contacts.map((c) => [c.id, c]));
        const first = page.recordIds.map((id) => byId.get(id)).find((c) => c !== undefined);
        return first ?? null;
      } catch (error) {
        // Another portal's list, or none: the same 404 as any object the caller cannot see.
        if (error instanceof HubSpotApiError && error.status === 404) return null;
        throw error;
      }
    });
    if (sample === null) throw AppError.notFound(`a contact of list ${listId.data}`);
    const body: SampleContact = {
      contactId: sample.id,
      properties: Object.fromEntries(properties.map((p) => [p, sample.properties[p] ?? null])),
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
