import type { ApiClient } from '../../lib/api-client.js';
import {
  agentListSchema,
  type CreateCampaignRequest,
  campaignViewSchema,
  hubspotListsPageSchema,
  importPreviewSchema,
  phoneNumberListSchema,
  sampleContactSchema,
  settingsViewSchema,
  voicePreviewAnswerSchema,
} from '../../lib/shared.js';

/** Every call the wizard makes, typed by the shared schemas: the contract test runs these against the service. */
export function wizardApi(api: ApiClient) {
  return {
    searchLists: (query: string) =>
      api.call(
        hubspotListsPageSchema,
        'GET',
        `/api/hubspot/lists?query=${encodeURIComponent(query)}&count=20`,
      ),
    agents: () => api.call(agentListSchema, 'GET', '/api/elevenlabs/agents'),
    /** The portal's saved campaign defaults (the settings page), which a new campaign starts from. */
    defaults: () => api.call(settingsViewSchema, 'GET', '/api/settings').then((s) => s.defaults),
    phoneNumbers: () => api.call(phoneNumberListSchema, 'GET', '/api/elevenlabs/phone-numbers'),
    voicePreview: (voiceId: string, text: string) =>
      api.call(voicePreviewAnswerSchema, 'POST', `/api/voices/${encodeURIComponent(voiceId)}/preview`, {
        text,
      }),
    sampleContact: (listId: string, properties: readonly string[]) =>
      api.call(
        sampleContactSchema,
        'GET',
        `/api/hubspot/lists/${encodeURIComponent(listId)}/sample-contact?properties=${encodeURIComponent(properties.join(','))}`,
      ),
    createCampaign: (request: CreateCampaignRequest) =>
      api.call(campaignViewSchema, 'POST', '/api/campaigns', { ...request }),
    importPreview: (campaignId: string) =>
      api.call(importPreviewSchema, 'GET', `/api/campaigns/${encodeURIComponent(campaignId)}/import-preview`),
    start: (campaignId: string) =>
      api.call(campaignViewSchema, 'POST', `/api/campaigns/${encodeURIComponent(campaignId)}/start`, {}),
  };
}
export type WizardApi = ReturnType<typeof wizardApi>;
