import type { AgentView, CampaignView, ImportPreview, PhoneNumberView } from '../src/app/lib/shared.js';

/** Canned catalog and campaign answers for the wizard's component tests. */

export const CAMPAIGN_ID = '0b7c6a0e-8f43-4d7e-9a57-5b1b1c2d3e4f';

export const AGENTS: AgentView[] = [
  {
    agentId: 'agent_spring',
    name: 'Spring Appeal Caller',
    tags: ['fundraising'],
    voice: { voiceId: 'voiceAva', name: 'Ava' },
    firstMessage: 'Hi {{first_name}}, thank you for your last gift of {{last_gift_amount}}!',
    language: 'en',
    allowsFirstMessageOverride: true,
    lastCallAt: null,
  },
  {
    agentId: 'agent_locked',
    name: 'Locked Caller',
    tags: [],
    voice: null,
    firstMessage: 'Hello {{first_name}}.',
    language: 'en',
    allowsFirstMessageOverride: false,
    lastCallAt: null,
  },
];

export const NUMBERS: PhoneNumberView[] = [
  {
    phoneNumberId: 'pn_main',
    phoneNumber: '+16175550100',
    label: 'Main line',
    provider: 'twilio',
    canDialOut: true,
    assignedAgentId: null,
  },
  {
    phoneNumberId: 'pn_inbound',
    phoneNumber: '+16175550199',
    label: 'Inbound only',
    provider: 'unknown',
    canDialOut: false,
    assignedAgentId: null,
  },
];

export const LISTS = {
  items: [
    { listId: '101', name: 'Spring appeal donors', processingType: 'MANUAL', size: 250 },
    { listId: '102', name: 'Quick demo (20 donors)', processingType: 'MANUAL', size: 20 },
  ],
  nextOffset: 2,
  hasMore: false,
};

export const SAMPLE = {
  contactId: '20001',
  properties: { firstname: 'Ada', last_gift_amount: '50', lastname: null },
};

export const PREVIEW: ImportPreview = {
  campaignId: CAMPAIGN_ID,
  status: 'ready',
  complete: true,
  import: { total: 20, done: 20, error: null },
  contacts: 20,
  eligible: 15,
  skipped: { noPhone: 1, invalidPhone: 1, duplicate: 1, doNotCall: 1, noConsent: 1, noTimeZone: 0 },
};

export function campaignView(status: CampaignView['status']): CampaignView {
  return {
    id: CAMPAIGN_ID,
    name: 'Spring appeal',
    status,
    statusReason: null,
    listId: '102',
    agentId: 'agent_spring',
    phoneNumberId: 'pn_main',
    window: { days: [1, 2, 3, 4, 5], start: '10:00', end: '19:00', blackoutDates: [] },
    defaultTimeZone: null,
    retryPolicy: {},
    maxAttempts: 3,
    concurrencyCap: 5,
    dailyCap: 500,
    dialsPerSecond: 1,
    startsAt: '2026-03-03T15:00:00.000Z',
    firstMessage: null,
    openForEnrolments: false,
    variableProperties: {},
    consent: { required: true, property: 'ai_call_consent' },
    doNotCallProperty: 'fundraising_do_not_call',
    import: { total: 20, done: 20, error: null },
    createdAt: '2026-03-03T15:00:00.000Z',
    createdByUserId: 7001,
  };
}

/** The catalog routes every wizard test needs. */
export const CATALOG_ROUTES = {
  'GET /api/elevenlabs/agents': { body: { items: AGENTS } },
  'GET /api/elevenlabs/phone-numbers': { body: { items: NUMBERS } },
  'GET /api/hubspot/lists': { body: LISTS },
  'GET /api/hubspot/lists/102/sample-contact': { body: SAMPLE },
  'POST /api/voices/voiceAva/preview': {
    body: {
      url: 'https://fundraising.example.org/voice-previews/abc.mp3',
      expiresAt: '2026-03-03T16:00:00Z',
    },
  },
};
