import { Router } from 'express';
import { z } from 'zod';
import { sandboxQuery, sendPage } from '../http-server.js';
import type { HubSpotContext } from './state.js';

/** GET /__sandbox/hubspot/…: what "HubSpot" holds and everything it was sent, for tests and curious users. */

const listContactsQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1_000).default(50),
});

export function sandboxRecordRoutes(ctx: HubSpotContext): Router {
  const router = Router();
  const base = '/__sandbox/hubspot';
  const records = {
    requests: ctx.record.requests,
    'rate-limited': ctx.record.rateLimited,
    'property-writes': ctx.record.propertyWrites,
    'schema-changes': ctx.record.schemaChanges,
    calls: ctx.record.calls,
    'app-events': ctx.record.appEvents,
    'callback-completions': ctx.record.callbackCompletions,
    oauth: ctx.record.oauth,
    'webhook-deliveries': ctx.record.webhookDeliveries,
  };

  const index = () => ({
    service: 'fake HubSpot (sandbox)',
    links: {
      portals: `${base}/portals`,
      lists: `${base}/lists`,
      listContacts: `${base}/lists/{portalId}/{listId}/contacts?offset=0&limit=50`,
      contact: `${base}/contacts/{portalId}/{contactId}`,
      changeContact: `POST ${base}/contacts/{portalId}/{contactId}/properties {"properties": {...}}`,
      deleteContact: `POST ${base}/contacts/{portalId}/{contactId}/deletion (or /privacy-deletion)`,
      ...Object.fromEntries(Object.keys(records).map((name) => [name, `${base}/${name}`])),
    },
    note: 'API routes need `Authorization: Bearer <portal access token>`; see /portals.',
  });
  router.get('/__sandbox', (_req, res) => res.json(index()));
  router.get(base, (_req, res) => res.json(index()));

  router.get(`${base}/portals`, (_req, res) =>
    res.json(
      [...ctx.portals.values()].map(({ portal }) => ({
        portalId: portal.portalId,
        name: portal.name,
        domain: portal.domain,
        accessToken: portal.accessToken,
        lists: portal.lists.map((l) => ({ listId: l.listId, name: l.name, size: l.size })),
      })),
    ),
  );
  router.get(`${base}/lists`, (_req, res) =>
    res.json(
      [...ctx.portals.values()].flatMap(({ portal }) =>
        portal.lists.map((l) => ({
          portalId: portal.portalId,
          listId: l.listId,
          name: l.name,
          size: l.size,
        })),
      ),
    ),
  );
  router.get(`${base}/lists/:portalId/:listId/contacts`, (req, res) => {
    const state = ctx.portals.get(Number(req.params.portalId));
    const list = state?.portal.lists.find((l) => l.listId === req.params.listId);
    if (!state || !list) return res.status(404).json({ error: 'no such portal or list' });
    const page = sandboxQuery(listContactsQuery, req.query, res);
    if (!page) return res;
    const { offset, limit } = page;
    const items = [];
    for (let i = offset; i < Math.min(list.size, offset + limit); i++) {
      const { recordId } = list.memberAt(i);
      items.push({ id: recordId, properties: state.contact(recordId)?.properties ?? null });
    }
    return res.json({ total: list.size, offset, limit, items });
  });
  router.get(`${base}/contacts/:portalId/:contactId`, (req, res) => {
    const contact = ctx.portals.get(Number(req.params.portalId))?.contact(String(req.params.contactId));
    return contact ? res.json(contact) : res.status(404).json({ error: 'no such contact' });
  });
  for (const [name, items] of Object.entries(records)) {
    router.get(`${base}/${name}`, (req, res) => sendPage(res, items as readonly unknown[], req.query));
  }
  return router;
}
