import express, { Router } from 'express';
import { z } from 'zod';
import type { ContactProperties } from '../demo-portal.js';
import { isoAt } from '../http-server.js';
import { SANDBOX_APP_ID, sendSignedCall, signServiceCall } from './signed-calls.js';
import type { HubSpotContext, WebhookDeliveryRecord } from './state.js';

/**
 * The fake HubSpot's webhooks: a contact changed or deleted in the sandbox is sent to the service as HubSpot sends
 * it (POST {serviceUrl}/webhooks/hubspot, a JSON array of up to 100 events, v3-signed with the app's secret, no
 * caller parameters), retried a few times on a 5xx or a failed connection with `attemptNumber` counting up.
 * One `contact.propertyChange` per property whose value changed; a privacy deletion sends
 * `contact.privacyDeletion` and, as HubSpot does, the plain `contact.deletion` too.
 */

export type WebhookEvent = Record<string, unknown>;

export interface ContactChangeResult {
  readonly portalId: number;
  readonly contactId: string;
  readonly events: readonly WebhookEvent[];
  readonly deliveries: readonly WebhookDeliveryRecord[];
}

export class SandboxNotFoundError extends Error {}

const MAX_EVENTS_PER_REQUEST = 100;
const RETRIES = 3;
const FIRST_BACKOFF_MS = 100;

export class ContactWebhooks {
  private eventId = 7_000_000;
  private readonly subscriptionIds = new Map<string, number>();

  constructor(
    private readonly ctx: HubSpotContext,
    private readonly serviceUrl: () => string | null,
  ) {}

  /** Writes the properties and sends one property-change event per value that changed. */
  async changeProperties(
    portalId: number,
    contactId: string,
    properties: ContactProperties,
  ): Promise<ContactChangeResult> {
    const portal = this.portalWith(portalId, contactId);
    const before = portal.contact(contactId)?.properties ?? {};
    const changed = Object.entries(properties).filter(([name, value]) => (before[name] ?? null) !== value);
    portal.write(contactId, properties, isoAt(this.ctx.clock.now()));
    const events = changed.map(([name, value]) =>
      this.event(portalId, contactId, 'contact.propertyChange', {
        propertyName: name,
        propertyValue: value ?? '',
        changeSource: 'CRM_UI',
      }),
    );
    return { portalId, contactId, events, deliveries: await this.send(events) };
  }

  /** Deletes the contact (HubSpot no longer returns it) and sends the deletion event(s). */
  async deleteContact(
    portalId: number,
    contactId: string,
    options: { privacy?: boolean } = {},
  ): Promise<ContactChangeResult> {
    const portal = this.portalWith(portalId, contactId);
    portal.deleted.add(contactId);
    const events = [
      ...(options.privacy ? [this.event(portalId, contactId, 'contact.privacyDeletion', {})] : []),
      this.event(portalId, contactId, 'contact.deletion', { changeSource: 'CRM_UI' }),
    ];
    return { portalId, contactId, events, deliveries: await this.send(events) };
  }

  /** Sends events as they are (tests of odd or foreign events), 100 per request. */
  async send(events: readonly WebhookEvent[]): Promise<WebhookDeliveryRecord[]> {
    const deliveries: WebhookDeliveryRecord[] = [];
    for (let i = 0; i < events.length; i += MAX_EVENTS_PER_REQUEST) {
      deliveries.push(await this.deliver(events.slice(i, i + MAX_EVENTS_PER_REQUEST)));
    }
    return deliveries;
  }

  private async deliver(batch: readonly WebhookEvent[]): Promise<WebhookDeliveryRecord> {
    const base = this.serviceUrl();
    let status: number | null = null;
    let error: string | null = base === null ? 'the service URL is not known yet' : null;
    let attempts = 0;
    while (base !== null && attempts <= RETRIES) {
      if (attempts > 0) await new Promise((r) => setTimeout(r, FIRST_BACKOFF_MS * 2 ** (attempts - 1)));
      const body = batch.map((e) => ({ ...e, attemptNumber: attempts }));
      attempts += 1;
      try {
        const call = signServiceCall(this.ctx, base, { method: 'POST', path: '/webhooks/hubspot', body });
        ({ status } = await sendSignedCall(call));
        error = null;
        if (status < 500) break;
      } catch (e) {
        status = null;
        error = e instanceof Error ? e.message : String(e);
      }
    }
    const record: WebhookDeliveryRecord = {
      at: isoAt(this.ctx.clock.now()),
      portalIds: [...new Set(batch.map((e) => Number(e.portalId)))],
      subscriptionTypes: [...new Set(batch.map((e) => String(e.subscriptionType)))],
      events: batch.length,
      attempts,
      status,
      error,
    };
    this.ctx.record.webhookDeliveries.push(record);
    return record;
  }

  private event(
    portalId: number,
    contactId: string,
    subscriptionType: string,
    extra: Record<string, unknown>,
  ): WebhookEvent {
    const property = typeof extra.propertyName === 'string' ? extra.propertyName : '';
    const subscription = `${subscriptionType}:${property}`;
    let subscriptionId = this.subscriptionIds.get(subscription);
    if (subscriptionId === undefined) {
      subscriptionId = 4_100_000 + this.subscriptionIds.size;
      this.subscriptionIds.set(subscription, subscriptionId);
    }
    this.eventId += 1;
    return {
      eventId: this.eventId,
      subscriptionId,
      portalId,
      appId: SANDBOX_APP_ID,
      occurredAt: this.ctx.clock.now(),
      subscriptionType,
      attemptNumber: 0,
      objectId: Number(contactId),
      ...extra,
    };
  }

  private portalWith(portalId: number, contactId: string) {
    const portal = this.ctx.portals.get(portalId);
    if (!portal?.contact(contactId))
      throw new SandboxNotFoundError(`no contact ${contactId} in portal ${portalId}`);
    return portal;
  }
}

const propertiesBody = z.object({
  properties: z.record(z.string().min(1), z.union([z.string(), z.null()])),
});

/**
 * POST /__sandbox/hubspot/contacts/:portalId/:contactId/properties {properties}, …/deletion and
 * …/privacy-deletion: change a contact as a HubSpot user would, and have the webhooks sent.
 */
export function contactWebhookRoutes(webhooks: ContactWebhooks): Router {
  const router = Router();
  const base = '/__sandbox/hubspot/contacts/:portalId/:contactId';
  const answer = async (res: express.Response, work: () => Promise<ContactChangeResult>) => {
    try {
      res.json(await work());
    } catch (error) {
      if (error instanceof SandboxNotFoundError) res.status(404).json({ error: error.message });
      else if (error instanceof z.ZodError) res.status(400).json({ error: z.prettifyError(error) });
      else throw error;
    }
  };
  router.post(`${base}/properties`, express.json(), (req, res) =>
    answer(res, async () =>
      webhooks.changeProperties(
        Number(req.params.portalId),
        String(req.params.contactId),
        propertiesBody.parse(req.body).properties,
      ),
    ),
  );
  router.post(`${base}/deletion`, (req, res) =>
    answer(res, () => webhooks.deleteContact(Number(req.params.portalId), String(req.params.contactId))),
  );
  router.post(`${base}/privacy-deletion`, (req, res) =>
    answer(res, () =>
      webhooks.deleteContact(Number(req.params.portalId), String(req.params.contactId), { privacy: true }),
    ),
  );
  return router;
}
