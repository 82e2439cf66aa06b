import type { ApiClient } from '../lib/api-client.js';
import {
  type CallNowResponse,
  type CampaignView,
  type ContactCallsPage,
  type ContactState,
  callNowResponseSchema,
  campaignPageSchema,
  contactCallsPageSchema,
  contactStateSchema,
  type SetDoNotCallAnswer,
  type SetDoNotCallRequest,
  setDoNotCallAnswerSchema,
} from '../lib/shared.js';

/** The contact tab's calls to the service: one load for the view, and its two actions. */

export const CALLS_PAGE_SIZE = 10;

export interface ContactTabData {
  readonly calls: ContactCallsPage;
  readonly state: ContactState;
  /** The portal's active campaigns: "call now" can call from any of them, not only those the contact is in. */
  readonly activeCampaigns: readonly Pick<CampaignView, 'id' | 'name'>[];
}

export async function loadContactTab(
  api: ApiClient,
  contactId: string,
  page: number,
): Promise<ContactTabData> {
  const id = encodeURIComponent(contactId);
  const [calls, state, campaigns] = await Promise.all([
    api.call(
      contactCallsPageSchema,
      'GET',
      `/api/contacts/${id}/calls?offset=${page * CALLS_PAGE_SIZE}&limit=${CALLS_PAGE_SIZE}`,
    ),
    api.call(contactStateSchema, 'GET', `/api/contacts/${id}/state`),
    api.call(campaignPageSchema, 'GET', '/api/campaigns?status=active&limit=200'),
  ]);
  return { calls, state, activeCampaigns: campaigns.items.map((c) => ({ id: c.id, name: c.name })) };
}

export function setDoNotCall(
  api: ApiClient,
  contactId: string,
  body: SetDoNotCallRequest,
): Promise<SetDoNotCallAnswer> {
  return api.call(
    setDoNotCallAnswerSchema,
    'PUT',
    `/api/contacts/${encodeURIComponent(contactId)}/do-not-call`,
    {
      ...body,
    },
  );
}

export function callNow(
  api: ApiClient,
  contactId: string,
  body: { campaignId: string; idempotencyKey: string },
): Promise<CallNowResponse> {
  return api.call(
    callNowResponseSchema,
    'POST',
    `/api/contacts/${encodeURIComponent(contactId)}/call-now`,
    body,
  );
}

/** One per click: HubSpot retries a failed request once, and the service must see it as the same click. */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  return `click-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
