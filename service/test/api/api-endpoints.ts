/**
 * Every endpoint of the signed /api, described for the security matrix (api-matrix.test.ts): how to call it
 * validly, which of a portal's objects its path addresses, and malformed variants with the field the 400 must
 * name. Add an endpoint here and the matrix checks it: signature tampering → 401, another portal's object → 404,
 * each malformed variant → 400 naming its field, and nothing changed in the database after any of them.
 */

/** A campaign state the valid request needs (start needs a ready campaign, resume a paused one). */
export type CampaignState = 'ready' | 'active' | 'paused';

/** One portal's objects, seeded by the matrix for both portals alike. */
export interface PortalObjects {
  readonly portalId: number;
  /** A campaign of the portal in each state, with contacts and ended attempts. */
  readonly campaignIds: Readonly<Record<CampaignState, string>>;
  /** A HubSpot contact id in the portal's campaigns, and one of its attempts. */
  readonly contactId: string;
  readonly attemptId: string;
}

/** The body is left out entirely (an empty request body), not sent as `{}`. */
export const NO_BODY = Symbol('no body');
export type Body = unknown | typeof NO_BODY;

export interface MalformedVariant {
  readonly name: string;
  /** Replaces the valid path (e.g. a malformed id or query). */
  readonly path?: (own: PortalObjects) => string;
  /** Replaces the valid body. */
  readonly body?: Body;
  /** The field the 400 must name. */
  readonly field: string;
}

export interface EndpointDescriptor {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The route as documented, e.g. /api/campaigns/:campaignId. */
  readonly route: string;
  /** The path of a valid request on `objects` (the caller's own, or another portal's for the 404 check). */
  readonly path: (objects: PortalObjects) => string;
  /** A valid body (POST/PATCH/PUT). */
  readonly body?: (objects: PortalObjects) => Body;
  /** What the path addresses: a portal's own object (another portal's → 404), or nothing (portal-wide). */
  readonly addresses: 'campaign' | 'contact' | 'attempt' | null;
  /**
   * What another portal's object gets: a 404 (default), or, for a contact's history and state (a contact never
   * called is a normal, empty answer for the contact tab), the empty answer: 200 with nothing of the other portal.
   */
  readonly otherPortal?: 'not_found' | 'nothing_shown';
  /** The status of the valid request made by the owner. */
  readonly okStatus: number;
  /** Whether the valid request changes data (its owner's call runs after every other check). */
  readonly mutates: boolean;
  /** Each variant must be a 400 naming its field; an endpoint with no input has none. */
  readonly malformed: readonly MalformedVariant[];
}

const campaign = (state: CampaignState) => (o: PortalObjects) => `/api/campaigns/${o.campaignIds[state]}`;
const NOT_A_UUID = '/api/campaigns/12345';
const badCampaignId = (suffix = ''): MalformedVariant => ({
  name: 'campaign id not a UUID',
  path: () => `${NOT_A_UUID}${suffix}`,
  field: 'campaignId',
});

function control(action: 'start' | 'pause' | 'resume' | 'cancel', state: CampaignState): EndpointDescriptor {
  return {
    method: 'POST',
    route: `/api/campaigns/:campaignId/${action}`,
    path: (o) => `${campaign(state)(o)}/${action}`,
    body: () => ({}),
    addresses: 'campaign',
    okStatus: 200,
    mutates: true,
    malformed: [
      badCampaignId(`/${action}`),
      { name: 'a setting the control does not take', body: { force: true }, field: 'force' },
      { name: 'body not an object', body: ['go'], field: 'body' },
    ],
  };
}

/** A campaign the demo portal can create: the sandbox's 20-donor list, agent and number. */
export interface CreateFixture {
  readonly listId: string;
  readonly agentId: string;
  readonly phoneNumberId: string;
}

export function campaignEndpoints(create: CreateFixture): EndpointDescriptor[] {
  const validCreate = {
    name: 'Matrix appeal',
    listId: create.listId,
    agentId: create.agentId,
    phoneNumberId: create.phoneNumberId,
    window: { days: [1, 2, 3, 4, 5], start: '09:00', end: '20:00' },
    idempotencyKey: 'matrix-create-0001',
  };
  return [
    // Catalog.
    {
      method: 'GET',
      route: '/api/hubspot/lists',
      path: () => '/api/hubspot/lists?query=donors&offset=0&count=10',
      addresses: null,
      okStatus: 200,
      mutates: false,
      malformed: [
        { name: 'count zero', path: () => '/api/hubspot/lists?count=0', field: 'count' },
        { name: 'negative offset', path: () => '/api/hubspot/lists?offset=-1', field: 'offset' },
        { name: 'query too long', path: () => `/api/hubspot/lists?query=${'q'.repeat(201)}`, field: 'query' },
      ],
    },
    {
      method: 'GET',
      route: '/api/hubspot/lists/:listId/sample-contact',
      path: () => `/api/hubspot/lists/${create.listId}/sample-contact?properties=firstname,last_gift_amount`,
      // The list is the portal's own in HubSpot (another portal's id is HubSpot's 404, checked in its route test).
      addresses: null,
      okStatus: 200,
      mutates: false,
      malformed: [
        {
          name: 'list id not digits',
          path: () => '/api/hubspot/lists/spring/sample-contact?properties=firstname',
          field: 'listId',
        },
        {
          name: 'property name with a space',
          path: () => `/api/hubspot/lists/${create.listId}/sample-contact?properties=first%20name`,
          field: 'properties',
        },
      ],
    },
    ...(['agents', 'phone-numbers', 'voices'] as const).map(
      (what): EndpointDescriptor => ({
        method: 'GET',
        route: `/api/elevenlabs/${what}`,
        path: () => `/api/elevenlabs/${what}`,
        addresses: null,
        okStatus: 200,
        mutates: false,
        // No input: nothing to get wrong (extra query keys are HubSpot's and ignored).
        malformed: [],
      }),
    ),
    // Campaigns.
    {
      method: 'POST',
      route: '/api/campaigns',
      path: () => '/api/campaigns',
      body: () => validCreate,
      addresses: null,
      okStatus: 201,
      mutates: true,
      malformed: [
        { name: 'no body', body: NO_BODY, field: 'body' },
        {
          name: 'no idempotency key',
          body: { ...validCreate, idempotencyKey: undefined },
          field: 'idempotencyKey',
        },
        {
          name: 'weekday out of range',
          body: { ...validCreate, window: { ...validCreate.window, days: [9] } },
          field: 'window.days[0]',
        },
        { name: 'list id not digits', body: { ...validCreate, listId: 'spring' }, field: 'listId' },
        // Well formed, but no such agent: found out by asking ElevenLabs, still before anything is written.
        { name: 'unknown agent', body: { ...validCreate, agentId: 'agent_nope' }, field: 'agentId' },
      ],
    },
    {
      method: 'GET',
      route: '/api/campaigns',
      path: () => '/api/campaigns?status=ready&offset=0&limit=10',
      addresses: null,
      okStatus: 200,
      mutates: false,
      malformed: [
        { name: 'unknown status', path: () => '/api/campaigns?status=running', field: 'status' },
        { name: 'limit zero', path: () => '/api/campaigns?limit=0', field: 'limit' },
        { name: 'offset not a number', path: () => '/api/campaigns?offset=ten', field: 'offset' },
      ],
    },
    {
      method: 'GET',
      route: '/api/campaigns/:campaignId',
      path: campaign('ready'),
      addresses: 'campaign',
      okStatus: 200,
      mutates: false,
      malformed: [badCampaignId()],
    },
    {
      method: 'PATCH',
      route: '/api/campaigns/:campaignId',
      path: campaign('active'),
      body: () => ({ dailyCap: 250, window: { days: [1, 2, 3], start: '10:00', end: '19:00' } }),
      addresses: 'campaign',
      okStatus: 200,
      mutates: true,
      malformed: [
        badCampaignId(),
        { name: 'no body', body: NO_BODY, field: 'body' },
        { name: 'nothing to change', body: {}, field: 'body' },
        { name: 'cap out of range', body: { dailyCap: 0 }, field: 'dailyCap' },
        {
          name: 'no calling day',
          body: { window: { days: [], start: '09:00', end: '20:00' } },
          field: 'window.days',
        },
        { name: 'misspelt setting', body: { dailyCapp: 100 }, field: 'dailyCapp' },
        { name: 'empty first message', body: { firstMessage: '   ' }, field: 'firstMessage' },
      ],
    },
    control('start', 'ready'),
    control('pause', 'active'),
    control('resume', 'paused'),
    control('cancel', 'ready'),
    // Results.
    {
      method: 'GET',
      route: '/api/campaigns/:campaignId/import-preview',
      path: (o) => `${campaign('ready')(o)}/import-preview`,
      addresses: 'campaign',
      okStatus: 200,
      mutates: false,
      malformed: [badCampaignId('/import-preview')],
    },
    {
      method: 'GET',
      route: '/api/campaigns/:campaignId/stats',
      path: (o) => `${campaign('active')(o)}/stats`,
      addresses: 'campaign',
      okStatus: 200,
      mutates: false,
      malformed: [badCampaignId('/stats')],
    },
    {
      method: 'GET',
      route: '/api/campaigns/:campaignId/attempts',
      path: (o) => `${campaign('active')(o)}/attempts?outcome=pledged&offset=0&limit=20`,
      addresses: 'campaign',
      okStatus: 200,
      mutates: false,
      malformed: [
        badCampaignId('/attempts'),
        {
          name: 'unknown outcome',
          path: (o) => `${campaign('active')(o)}/attempts?outcome=great`,
          field: 'outcome',
        },
        { name: 'limit too big', path: (o) => `${campaign('active')(o)}/attempts?limit=500`, field: 'limit' },
        {
          name: 'negative offset',
          path: (o) => `${campaign('active')(o)}/attempts?offset=-5`,
          field: 'offset',
        },
      ],
    },
    {
      method: 'GET',
      route: '/api/campaigns/:campaignId/export.csv',
      path: (o) => `${campaign('active')(o)}/export.csv`,
      addresses: 'campaign',
      okStatus: 200,
      mutates: false,
      malformed: [
        badCampaignId('/export.csv'),
        {
          name: 'unknown outcome',
          path: (o) => `${campaign('active')(o)}/export.csv?outcome=great`,
          field: 'outcome',
        },
      ],
    },
    {
      method: 'POST',
      route: '/api/campaigns/:campaignId/export-link',
      path: (o) => `${campaign('active')(o)}/export-link`,
      body: () => ({ outcome: 'pledged' }),
      addresses: 'campaign',
      okStatus: 201,
      // Signs a link; writes nothing.
      mutates: false,
      malformed: [
        badCampaignId('/export-link'),
        { name: 'unknown outcome', body: { outcome: 'great' }, field: 'outcome' },
        { name: 'a setting the link does not take', body: { format: 'xlsx' }, field: 'format' },
      ],
    },
  ];
}

/** A contact every sandbox portal's fake HubSpot has (the demo contacts 20001–20020). */
const HUBSPOT_CONTACT = '20001';

/** The contact endpoints: history, state, do-not-call, call-now; and the voice preview. */
export function contactEndpoints(): EndpointDescriptor[] {
  const contactPath = (suffix: string) => (o: PortalObjects) => `/api/contacts/${o.contactId}/${suffix}`;
  return [
    {
      method: 'GET',
      route: '/api/contacts/:contactId/calls',
      path: (o) => `${contactPath('calls')(o)}?offset=0&limit=10`,
      addresses: 'contact',
      otherPortal: 'nothing_shown',
      okStatus: 200,
      mutates: false,
      malformed: [
        { name: 'contact id not digits', path: () => '/api/contacts/abc/calls', field: 'contactId' },
        { name: 'limit zero', path: (o) => `${contactPath('calls')(o)}?limit=0`, field: 'limit' },
        { name: 'limit too big', path: (o) => `${contactPath('calls')(o)}?limit=201`, field: 'limit' },
        { name: 'negative offset', path: (o) => `${contactPath('calls')(o)}?offset=-1`, field: 'offset' },
      ],
    },
    {
      method: 'GET',
      route: '/api/contacts/:contactId/state',
      path: contactPath('state'),
      addresses: 'contact',
      otherPortal: 'nothing_shown',
      okStatus: 200,
      mutates: false,
      malformed: [
        {
          name: 'contact id with a leading zero',
          path: () => '/api/contacts/0123/state',
          field: 'contactId',
        },
      ],
    },
    {
      method: 'PUT',
      route: '/api/contacts/:contactId/do-not-call',
      path: contactPath('do-not-call'),
      body: () => ({ doNotCall: true, reason: 'Asked by email' }),
      addresses: 'contact',
      okStatus: 200,
      mutates: true,
      malformed: [
        { name: 'not a boolean', body: { doNotCall: 'yes' }, field: 'doNotCall' },
        { name: 'missing', body: {}, field: 'doNotCall' },
        { name: 'no body', body: NO_BODY, field: 'doNotCall' },
        { name: 'reason too long', body: { doNotCall: true, reason: 'x'.repeat(501) }, field: 'reason' },
        {
          name: 'override not a boolean',
          body: { doNotCall: false, overrideOptOut: 'please' },
          field: 'overrideOptOut',
        },
        {
          name: 'contact id not digits',
          path: () => '/api/contacts/abc/do-not-call',
          body: { doNotCall: true },
          field: 'contactId',
        },
      ],
    },
    {
      method: 'POST',
      route: '/api/contacts/:contactId/call-now',
      // The owner calls a contact its HubSpot has; another portal's campaign (in the body) is the object at stake.
      path: () => `/api/contacts/${HUBSPOT_CONTACT}/call-now`,
      body: (o) => ({ campaignId: o.campaignIds.active, idempotencyKey: `matrix-call-now-${o.portalId}` }),
      addresses: 'campaign',
      okStatus: 200,
      mutates: true,
      malformed: [
        { name: 'no campaign', body: { idempotencyKey: 'matrix-call-now-x' }, field: 'campaignId' },
        { name: 'no idempotency key', body: { campaignId: 'c' }, field: 'idempotencyKey' },
        { name: 'no body', body: NO_BODY, field: 'body' },
      ],
    },
    {
      method: 'POST',
      route: '/api/voices/:voiceId/preview',
      path: () => '/api/voices/sbxVoiceAva000000001/preview',
      body: () => ({ text: 'Hi Maria, this is Ava.' }),
      addresses: null,
      okStatus: 201,
      mutates: true,
      malformed: [
        { name: 'no text', body: {}, field: 'text' },
        { name: 'blank text', body: { text: '   ' }, field: 'text' },
        { name: 'text too long', body: { text: 'x'.repeat(301) }, field: 'text' },
        {
          name: 'voice id malformed',
          path: () => '/api/voices/bad%20voice/preview',
          body: { text: 'Hello' },
          field: 'voiceId',
        },
        {
          name: 'unknown voice',
          path: () => '/api/voices/noSuchVoice123/preview',
          body: { text: 'Hello' },
          field: 'voiceId',
        },
      ],
    },
  ];
}

/** The safety switches: whether all dialling is stopped (read-only). */
export function safetyEndpoints(): EndpointDescriptor[] {
  return [
    {
      method: 'GET',
      route: '/api/safety',
      path: () => '/api/safety',
      addresses: null,
      okStatus: 200,
      mutates: false,
      malformed: [],
    },
  ];
}

/** The settings page: connection status and defaults (read, saved), and the agent check. */
export function settingsEndpoints(agentId: string): EndpointDescriptor[] {
  const defaults = {
    timeZone: 'America/Chicago',
    window: { days: [1, 2, 3, 4, 5], start: '10:00', end: '19:00', blackoutDates: [] },
    retryPolicy: { no_answer: { delayMinutes: 120, maxAttempts: 3 } },
    maxAttempts: 3,
    consent: { required: true, property: 'ai_call_consent' },
    doNotCallProperty: 'fundraising_do_not_call',
  };
  return [
    {
      method: 'GET',
      route: '/api/settings',
      path: () => '/api/settings',
      addresses: null,
      okStatus: 200,
      mutates: false,
      malformed: [],
    },
    {
      method: 'PUT',
      route: '/api/settings',
      path: () => '/api/settings',
      body: () => ({ defaults }),
      addresses: null,
      okStatus: 200,
      mutates: true,
      malformed: [
        { name: 'no body', body: NO_BODY, field: 'defaults' },
        {
          name: 'unknown time zone',
          body: { defaults: { ...defaults, timeZone: 'Mars/Base' } },
          field: 'defaults.timeZone',
        },
        {
          name: 'window ends before it starts',
          body: { defaults: { ...defaults, window: { ...defaults.window, start: '19:00', end: '10:00' } } },
          field: 'defaults.window.end',
        },
        {
          name: 'retry rule for an outcome not retried',
          body: { defaults: { ...defaults, retryPolicy: { pledged: { delayMinutes: 1, maxAttempts: 2 } } } },
          field: 'defaults.retryPolicy.pledged',
        },
        {
          name: 'blank consent property',
          body: { defaults: { ...defaults, consent: { required: true, property: ' ' } } },
          field: 'defaults.consent.property',
        },
        {
          name: 'no do-not-call property',
          body: { defaults: { ...defaults, doNotCallProperty: '' } },
          field: 'defaults.doNotCallProperty',
        },
        { name: 'a setting it does not take', body: { defaults, theme: 'dark' }, field: 'theme' },
      ],
    },
    {
      method: 'POST',
      route: '/api/elevenlabs/agents/:agentId/check',
      path: () => `/api/elevenlabs/agents/${agentId}/check`,
      body: () => ({}),
      addresses: null,
      okStatus: 200,
      mutates: false,
      malformed: [
        {
          name: 'ids not a list',
          body: { dataCollectionIds: 'pledge_amount' },
          field: 'dataCollectionIds',
        },
        {
          name: 'an id with spaces',
          body: { dataCollectionIds: ['pledge amount'] },
          field: 'dataCollectionIds[0]',
        },
        {
          name: 'agent id malformed',
          path: () => '/api/elevenlabs/agents/bad%20agent/check',
          field: 'agentId',
        },
        { name: 'unknown agent', path: () => '/api/elevenlabs/agents/agent_nope/check', field: 'agentId' },
      ],
    },
  ];
}
