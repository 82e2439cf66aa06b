import {
  Alert,
  Button,
  DescriptionListItem,
  EmptyState,
  LoadingButton,
  Select,
  StatusTag,
  TableRow,
  Toggle,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { describe, expect, it } from 'vitest';
import { ContactAiCalls } from '../src/app/cards/ContactAiCalls.js';
import { createApiClient } from '../src/app/lib/api-client.js';
import { ApiProvider } from '../src/app/lib/api-context.js';
import { SERVICE_URL } from '../src/app/lib/service-url.js';
import type { ContactCall, ContactState, DoNotCallStatus } from '../src/app/lib/shared.js';
import { apiError, fakeFetcher } from './helpers/fetchers.js';
import { deepText, eventArg } from './helpers/text.js';

const CONTACT = '20001';
const CAMPAIGN = { id: '5b0c2c1e-8a51-4b8e-9a43-6c1d2f0e9a11', name: 'Spring appeal' };

const noDnc: DoNotCallStatus = { active: false, numbers: [], lastChange: null, hubspot: null };

const call: ContactCall = {
  attemptId: 'a1',
  campaign: CAMPAIGN,
  at: '2026-11-24T19:05:00.000Z',
  endedAt: '2026-11-24T19:08:03.000Z',
  status: 'ended',
  outcome: 'pledged',
  durationSeconds: 183,
  summary: 'Pledged $50 monthly, asked for a thank-you card.',
  pledge: { amount: 50, frequency: 'monthly' },
  conversationId: 'conv_1',
  conversationUrl: 'https://elevenlabs.io/app/conversational-ai/history/conv_1',
};

const stateWith = (over: Partial<ContactState> = {}): ContactState => ({
  contactId: CONTACT,
  doNotCall: noDnc,
  campaigns: [
    {
      campaign: { ...CAMPAIGN, status: 'active' },
      state: 'queued',
      skipReason: null,
      attempts: 1,
      maxAttempts: 3,
      nextAttempt: {
        at: '2026-12-01T14:00:00.000Z',
        local: [{ timeZone: 'America/New_York', dateTime: '2026-12-01T09:00', utcOffset: '-05:00' }],
      },
      waitReason: 'retry',
      lastOutcome: 'no_answer',
      lastAttemptAt: '2026-11-30T15:00:00.000Z',
    },
  ],
  ...over,
});

const page = (items: ContactCall[]) => ({ items, total: items.length, offset: 0, limit: 10 });

function routes(over: Record<string, Parameters<typeof fakeFetcher>[0][string]> = {}) {
  return fakeFetcher({
    [`GET /api/contacts/${CONTACT}/calls`]: { body: page([call]) },
    [`GET /api/contacts/${CONTACT}/state`]: { body: stateWith() },
    'GET /api/campaigns': { body: { items: [], total: 0, offset: 0, limit: 200 } },
    ...over,
  });
}

function renderTab(fetcher: ReturnType<typeof fakeFetcher>) {
  const renderer = createRenderer('crm.record.tab');
  renderer.render(
    <ApiProvider client={createApiClient(fetcher, SERVICE_URL)}>
      <ContactAiCalls contactId={CONTACT} portalTimeZone="America/Chicago" />
    </ApiProvider>,
  );
  return renderer;
}

describe('the contact AI-calls tab', () => {
  it('shows every AI call: campaign, time, outcome, duration, summary, pledge and link; and the campaign state', async () => {
    const { find, findAll, waitFor } = renderTab(routes());
    await waitFor(() => expect(findAll(TableRow).length).toBe(2));
    const row = findAll(TableRow)[1]!;
    const text = deepText(row);
    expect(text).toContain('Spring appeal');
    // 19:05 UTC is 14:05 in New York, the contact's zone (from its next attempt).
    expect(text).toContain('14:05');
    expect(text).toContain('3:03');
    expect(text).toContain('Pledged $50 monthly');
    expect(text).toContain('50.00 monthly');
    expect(deepText(row.find(StatusTag))).toBe('Pledged');
    expect(text).toContain('Transcript');
    expect(deepText(find(StatusTag, { variant: 'info' }))).toBe('Queued');
    // The next attempt, in the contact's local time.
    expect(deepText(find(DescriptionListItem, { label: "Next attempt (contact's time)" }))).toBe(
      '2026-12-01 09:00 America/New_York (UTC-05:00) · retry',
    );
  });

  it('shows the empty state for a contact never called', async () => {
    const { find, maybeFind, waitFor } = renderTab(
      routes({
        [`GET /api/contacts/${CONTACT}/calls`]: { body: page([]) },
        [`GET /api/contacts/${CONTACT}/state`]: { body: stateWith({ campaigns: [] }) },
      }),
    );
    await waitFor(() => expect(find(EmptyState).props.title).toBe('No AI calls yet'));
    expect(maybeFind(TableRow)).toBeNull();
  });

  it('calls now when every rule allows it', async () => {
    const fetcher = routes({
      [`POST /api/contacts/${CONTACT}/call-now`]: (req) => ({
        body: {
          status: 'dialing',
          campaignId: String(req.body?.campaignId),
          contactId: CONTACT,
          attemptId: 'a2',
        },
      }),
    });
    const { find, waitFor } = renderTab(fetcher);
    await waitFor(() => expect(find(Select, { name: 'callNowCampaign' }).props.value).toBe(CAMPAIGN.id));
    find(LoadingButton, { variant: 'primary' }).trigger('onClick');
    await waitFor(() => expect(find(Alert, { variant: 'success' }).props.title).toBe('Calling'));
    const sent = fetcher.seen.find((r) => r.method === 'POST');
    expect(sent?.path).toBe(`/api/contacts/${CONTACT}/call-now`);
    expect(sent?.body?.campaignId).toBe(CAMPAIGN.id);
    expect(String(sent?.body?.idempotencyKey).length).toBeGreaterThanOrEqual(8);
  });

  it('names the rule that forbids a call now, and when it is next allowed in the contact’s local time', async () => {
    const fetcher = routes({
      [`POST /api/contacts/${CONTACT}/call-now`]: {
        body: {
          status: 'refused',
          campaignId: CAMPAIGN.id,
          contactId: CONTACT,
          rule: 'outside_window',
          message: 'It is 22:10 for the contact; calls are allowed 09:00–20:00.',
          nextAllowedAt: '2026-12-01T14:00:00.000Z',
        },
      },
    });
    const { find, waitFor } = renderTab(fetcher);
    await waitFor(() => expect(find(LoadingButton).props.loading).toBe(false));
    find(LoadingButton, { variant: 'primary' }).trigger('onClick');
    await waitFor(() =>
      expect(find(Alert, { variant: 'warning' }).props.title).toContain('Outside calling hours'),
    );
    const text = deepText(find(Alert, { variant: 'warning' }));
    expect(text).toContain('calls are allowed 09:00–20:00');
    expect(text).toContain('Next allowed: Tue, Dec 1, 09:00 (America/New_York)');
  });

  it('shows the API’s message when call-now fails', async () => {
    const fetcher = routes({
      [`POST /api/contacts/${CONTACT}/call-now`]: {
        status: 404,
        body: apiError('not_found', 'campaign not found'),
      },
    });
    const { find, waitFor } = renderTab(fetcher);
    await waitFor(() => expect(find(LoadingButton).props.loading).toBe(false));
    find(LoadingButton, { variant: 'primary' }).trigger('onClick');
    await waitFor(() => expect(deepText(find(Alert, { variant: 'error' }))).toContain('campaign not found'));
  });

  it('sends the do-not-call PUT from the switch, and reloads the state', async () => {
    let dnc = false;
    const fetcher = routes({
      [`GET /api/contacts/${CONTACT}/state`]: () => ({
        body: stateWith({ doNotCall: { ...noDnc, active: dnc } }),
      }),
      [`PUT /api/contacts/${CONTACT}/do-not-call`]: (req) => {
        dnc = req.body?.doNotCall === true;
        return { body: { contactId: CONTACT, doNotCall: { ...noDnc, active: dnc } } };
      },
    });
    const { find, waitFor } = renderTab(fetcher);
    await waitFor(() => expect(find(Toggle).props.checked).toBe(false));
    find(Toggle).trigger('onChange', eventArg(true));
    await waitFor(() => expect(find(Toggle).props.checked).toBe(true));
    expect(fetcher.seen.filter((r) => r.method === 'PUT')).toEqual([
      { method: 'PUT', path: `/api/contacts/${CONTACT}/do-not-call`, body: { doNotCall: true } },
    ]);
  });

  it('asks before clearing a donor’s own opt-out, then resends with overrideOptOut', async () => {
    const fetcher = routes({
      [`GET /api/contacts/${CONTACT}/state`]: { body: stateWith({ doNotCall: { ...noDnc, active: true } }) },
      [`PUT /api/contacts/${CONTACT}/do-not-call`]: (req) =>
        req.body?.overrideOptOut === true
          ? { body: { contactId: CONTACT, doNotCall: noDnc } }
          : {
              status: 409,
              body: apiError('donor_opted_out', 'the donor asked not to be called', 'overrideOptOut'),
            },
    });
    const { find, waitFor } = renderTab(fetcher);
    await waitFor(() => expect(find(Toggle).props.checked).toBe(true));
    find(Toggle).trigger('onChange', eventArg(false));
    await waitFor(() => expect(deepText(find(Alert, { variant: 'warning' }))).toContain('the donor asked'));
    find(Button, { variant: 'destructive' }).trigger('onClick');
    await waitFor(() =>
      expect(fetcher.seen.filter((r) => r.method === 'PUT').map((r) => r.body)).toEqual([
        { doNotCall: false },
        { doNotCall: false, overrideOptOut: true },
      ]),
    );
  });

  it('shows the API’s error when the tab cannot load', async () => {
    const { find, waitFor } = renderTab(
      routes({
        [`GET /api/contacts/${CONTACT}/state`]: {
          status: 401,
          body: apiError('portal_disconnected', 'HubSpot account 1 is disconnected'),
        },
      }),
    );
    await waitFor(() => expect(deepText(find(Alert, { variant: 'error' }))).toContain('is disconnected'));
  });
});
