import {
  Alert,
  BarChart,
  Button,
  Link,
  NumberInput,
  Select,
  StatisticsItem,
  StatusTag,
  Table,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../src/app/lib/api-client.js';
import { ApiProvider } from '../src/app/lib/api-context.js';
import { SERVICE_URL } from '../src/app/lib/service-url.js';
import type { CampaignStatus } from '../src/app/lib/shared.js';
import { CampaignPage } from '../src/app/pages/campaign/CampaignPage.js';
import type { PollTiming } from '../src/app/pages/campaign/live-stats.js';
import {
  allText,
  attemptView,
  CAMPAIGN_ID,
  campaignView,
  fire,
  statsView,
} from './helpers/campaign-fixtures.js';
import { apiError, fakeFetcher } from './helpers/fetchers.js';

const BASE = `/api/campaigns/${CAMPAIGN_ID}`;
/** No polling within a test's time: for tests about something else. */
const QUIET: PollTiming = { pollMs: 60_000, idleMs: 600_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function renderPage(fetcher: ReturnType<typeof fakeFetcher>, timing: PollTiming = QUIET) {
  const renderer = createRenderer('home');
  renderer.render(
    <ApiProvider client={createApiClient(fetcher, SERVICE_URL)}>
      <CampaignPage campaignId={CAMPAIGN_ID} onBack={() => {}} timing={timing} />
    </ApiProvider>,
  );
  return renderer;
}

/** A campaign whose status the pause / resume routes change, as the service would. */
function statefulCampaign(initial: CampaignStatus, overrides: Parameters<typeof fakeFetcher>[0] = {}) {
  let status = initial;
  const fetcher = fakeFetcher({
    [`GET ${BASE}`]: () => ({ body: campaignView({ status }) }),
    [`GET ${BASE}/stats`]: () => ({ body: statsView({ status }) }),
    [`GET ${BASE}/attempts`]: { body: { items: [], total: 0, offset: 0, limit: 20 } },
    [`POST ${BASE}/pause`]: () => {
      status = 'paused';
      return { body: campaignView({ status }) };
    },
    [`POST ${BASE}/resume`]: () => {
      status = 'active';
      return { body: campaignView({ status }) };
    },
    ...overrides,
  });
  return fetcher;
}

const statsRequests = (fetcher: ReturnType<typeof fakeFetcher>) =>
  fetcher.seen.filter((r) => r.path === `${BASE}/stats`).length;
const posts = (fetcher: ReturnType<typeof fakeFetcher>) =>
  fetcher.seen.filter((r) => r.method === 'POST').map((r) => r.path);

describe('the campaign page', () => {
  it('shows the statistics, the outcome chart, pledges, cost, completion estimate and calls in flight', async () => {
    const { find, findAll, waitFor } = renderPage(statefulCampaign('active'));
    await waitFor(() => expect(findAll(StatisticsItem).length).toBeGreaterThan(0));
    const items = Object.fromEntries(findAll(StatisticsItem).map((i) => [i.props.label, i.props.number]));
    expect(items).toMatchObject({
      Pledges: '1,250.00',
      'Calls in flight': 3,
      'Dials today': 55,
      Cost: '1,234 credits',
    });
    expect(items['Estimated completion']).not.toBe('—');
    expect(find(BarChart).props.data).toEqual([
      { outcome: 'Pledged', contacts: 12 },
      { outcome: 'Declined', contacts: 8 },
      { outcome: 'No answer', contacts: 20 },
    ]);
  });

  it('updates live while the campaign runs, and stops polling once it has completed', async () => {
    let reads = 0;
    const fetcher = fakeFetcher({
      [`GET ${BASE}`]: { body: campaignView() },
      [`GET ${BASE}/attempts`]: { body: { items: [], total: 0, offset: 0, limit: 20 } },
      [`GET ${BASE}/stats`]: () => {
        reads += 1;
        return reads < 3
          ? { body: statsView({ callsInFlight: reads }) }
          : { body: statsView({ status: 'completed', callsInFlight: 0 }) };
      },
    });
    const { find, waitFor } = renderPage(fetcher, { pollMs: 10, idleMs: 600_000 });
    await waitFor(() => expect(find(StatisticsItem, { label: 'Calls in flight' }).props.number).toBe(2));
    await waitFor(() => expect(find(StatusTag).text).toBe('Completed'));
    const afterCompletion = statsRequests(fetcher);
    expect(afterCompletion).toBe(3);
    await sleep(150); // fifteen poll intervals
    expect(statsRequests(fetcher)).toBe(afterCompletion);
  });

  it('stops polling after the idle bound (no visibility signal in the worker) and restarts on request', async () => {
    const fetcher = statefulCampaign('active');
    const { find, maybeFind, waitFor } = renderPage(fetcher, { pollMs: 10, idleMs: 250 });
    await waitFor(() => expect(find(Alert, { title: 'Live updates paused' })).toBeTruthy());
    const stopped = statsRequests(fetcher);
    await sleep(100);
    expect(statsRequests(fetcher)).toBe(stopped);
    find(Button, (b) => b.text === 'Refresh and keep updating').trigger('onClick');
    await waitFor(() => expect(statsRequests(fetcher)).toBeGreaterThan(stopped + 1));
    expect(maybeFind(Alert, { title: 'Live updates paused' })).toBeNull();
  });

  it('pauses and resumes after a confirmation, and shows the new status', async () => {
    const fetcher = statefulCampaign('active');
    const { find, maybeFind, waitFor } = renderPage(fetcher);
    await waitFor(() => expect(find(StatusTag).text).toBe('Active'));

    find(Button, (b) => b.text === 'Pause').trigger('onClick');
    expect(find(Alert, { title: 'Pause this campaign?' })).toBeTruthy();
    expect(posts(fetcher)).toEqual([]); // nothing sent before the confirmation
    find(Button, (b) => b.text === 'Yes, pause').trigger('onClick');
    await waitFor(() => expect(find(StatusTag).text).toBe('Paused'));
    expect(posts(fetcher)).toEqual([`${BASE}/pause`]);
    expect(maybeFind(Alert, { title: 'Pause this campaign?' })).toBeNull();

    find(Button, (b) => b.text === 'Resume').trigger('onClick');
    find(Button, (b) => b.text === 'Yes, resume').trigger('onClick');
    await waitFor(() => expect(find(StatusTag).text).toBe('Active'));
    expect(posts(fetcher)).toEqual([`${BASE}/pause`, `${BASE}/resume`]);
  });

  it('goes back without sending anything when the confirmation is declined', async () => {
    const fetcher = statefulCampaign('active');
    const { find, maybeFind, waitFor } = renderPage(fetcher);
    await waitFor(() => expect(find(StatusTag).text).toBe('Active'));
    find(Button, (b) => b.text === 'Cancel campaign').trigger('onClick');
    find(Button, (b) => b.text === 'No, go back').trigger('onClick');
    expect(maybeFind(Alert, { title: 'Cancel this campaign?' })).toBeNull();
    expect(posts(fetcher)).toEqual([]);
  });

  it('shows the API’s message in an alert when an action is refused (409)', async () => {
    const fetcher = statefulCampaign('paused', {
      [`POST ${BASE}/resume`]: {
        status: 409,
        body: apiError(
          'invalid_transition',
          'The campaign’s HubSpot account is disconnected: reconnect it first.',
        ),
      },
    });
    const { find, waitFor } = renderPage(fetcher);
    await waitFor(() => expect(find(StatusTag).text).toBe('Paused'));
    find(Button, (b) => b.text === 'Resume').trigger('onClick');
    find(Button, (b) => b.text === 'Yes, resume').trigger('onClick');
    await waitFor(() =>
      expect(allText(find(Alert, { variant: 'error' }))).toContain(
        'The campaign’s HubSpot account is disconnected: reconnect it first.',
      ),
    );
    expect(find(StatusTag).text).toBe('Paused');
  });

  it('pages the attempts table and filters it by outcome, with a link to each conversation', async () => {
    const fetcher = statefulCampaign('active', {
      [`GET ${BASE}/attempts`]: (req) => {
        const q = new URLSearchParams(req.path.split('?')[1]);
        const offset = Number(q.get('offset'));
        const total = q.get('outcome') === 'declined' ? 1 : 45;
        const count = Math.min(20, total - offset);
        const items = Array.from({ length: count }, (_, i) =>
          attemptView(
            offset + i,
            q.get('outcome') === 'declined' ? { outcome: 'declined', pledge: null } : {},
          ),
        );
        return { body: { items, total, offset, limit: 20 } };
      },
    });
    const { find, findAll, waitFor } = renderPage(fetcher);
    await waitFor(() =>
      expect(find(Table, { paginated: true }).props).toMatchObject({ pageCount: 3, page: 1 }),
    );
    expect(findAll(Link)[0]?.props.href).toEqual({
      url: 'https://elevenlabs.io/app/conversational-ai/history/conv_0',
      external: true,
    });
    expect(allText(find(Table))).toContain('Call 0 summary');

    fire(find(Table), 'onPageChange', 3);
    await waitFor(() => expect(findAll(Link)).toHaveLength(5));
    expect(allText(find(Table))).toContain('Donor 40');

    fire(find(Select, { name: 'outcome' }), 'onChange', 'declined');
    await waitFor(() => expect(find(Table).props).toMatchObject({ pageCount: 1, page: 1 }));
    expect(allText(find(Table))).toContain('Declined');
    const attemptPaths = fetcher.seen.filter((r) => r.path.includes('/attempts')).map((r) => r.path);
    expect(attemptPaths).toEqual([
      `${BASE}/attempts?offset=0&limit=20`,
      `${BASE}/attempts?offset=40&limit=20`,
      `${BASE}/attempts?outcome=declined&offset=0&limit=20`,
    ]);
  });

  it('exports the CSV through a short-lived signed link for the filter shown', async () => {
    const fetcher = statefulCampaign('active', {
      [`POST ${BASE}/export-link`]: {
        body: { url: 'https://svc.example/exports/x.csv?sig=abc', expiresAt: '2026-03-01T15:05:00.000Z' },
      },
    });
    const { find, waitFor } = renderPage(fetcher);
    await waitFor(() => expect(find(Select, { name: 'outcome' })).toBeTruthy());
    fire(find(Select, { name: 'outcome' }), 'onChange', 'pledged');
    find(Button, (b) => b.text === 'Export CSV').trigger('onClick');
    await waitFor(() =>
      expect(find(Button, (b) => b.text === 'Download CSV').props.href).toEqual({
        url: 'https://svc.example/exports/x.csv?sig=abc',
        external: true,
      }),
    );
    expect(fetcher.seen.find((r) => r.path === `${BASE}/export-link`)?.body).toEqual({ outcome: 'pledged' });
  });

  it('saves the calling window, caps and retry policy, and shows the API’s message on the field at fault', async () => {
    let answer: { status: number; body: unknown } = {
      status: 400,
      body: apiError('invalid_request', 'concurrencyCap: expected at most 500', 'concurrencyCap'),
    };
    const fetcher = statefulCampaign('active', { [`PATCH ${BASE}`]: () => answer });
    const { find, waitFor } = renderPage(fetcher);
    await waitFor(() => expect(find(NumberInput, { name: 'concurrencyCap' })).toBeTruthy());
    fire(find(NumberInput, { name: 'concurrencyCap' }), 'onChange', 900);
    find(Button, (b) => b.text === 'Save settings').trigger('onClick');
    await waitFor(() =>
      expect(find(NumberInput, { name: 'concurrencyCap' }).props.validationMessage).toBe(
        'concurrencyCap: expected at most 500',
      ),
    );
    expect(allText(find(Alert, { variant: 'error' }))).toContain('concurrencyCap: expected at most 500');

    answer = { status: 200, body: campaignView({ concurrencyCap: 8 }) };
    fire(find(NumberInput, { name: 'concurrencyCap' }), 'onChange', 8);
    find(Button, (b) => b.text === 'Save settings').trigger('onClick');
    await waitFor(() => expect(find(Alert, { title: 'Saved' })).toBeTruthy());
    const patch = fetcher.seen.filter((r) => r.method === 'PATCH').at(-1);
    expect(patch?.body).toEqual({
      window: { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00', blackoutDates: [] },
      maxAttempts: 3,
      concurrencyCap: 8,
      dailyCap: 500,
      retryPolicy: { no_answer: { delayMinutes: 240, maxAttempts: 3 } },
    });
  });
});
