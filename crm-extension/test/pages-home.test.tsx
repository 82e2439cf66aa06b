import {
  Alert,
  Button,
  EmptyState,
  ProgressBar,
  Select,
  StatusTag,
  Table,
  TableRow,
} from '@hubspot/ui-extensions';
import { PrimaryHeaderActionButton } from '@hubspot/ui-extensions/pages/home';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../src/app/lib/api-client.js';
import { ApiProvider } from '../src/app/lib/api-context.js';
import { SERVICE_URL } from '../src/app/lib/service-url.js';
import { CampaignsApp } from '../src/app/pages/CampaignsApp.js';
import { allText, campaignView, fire, statsView } from './helpers/campaign-fixtures.js';
import { apiError, fakeFetcher, type SeenRequest } from './helpers/fetchers.js';

const ID_A = 'aaaaaaaa-0000-4000-8000-000000000001';
const ID_B = 'aaaaaaaa-0000-4000-8000-000000000002';
const campaigns = [
  campaignView({ id: ID_A, name: 'Spring appeal', status: 'active' }),
  campaignView({ id: ID_B, name: 'Lapsed donors', status: 'paused' }),
];

const statsOf = (req: SeenRequest) => {
  const id = req.path.split('/')[3] ?? '';
  return {
    body:
      id === ID_A
        ? statsView({ campaignId: ID_A, contacts: { total: 100, byState: { queued: 60, done: 40 } } })
        : statsView({ campaignId: ID_B, status: 'paused', contacts: { total: 10, byState: { done: 10 } } }),
  };
};

function homeFetcher() {
  return fakeFetcher({
    'GET /api/campaigns': (req) => {
      const status = new URLSearchParams(req.path.split('?')[1]).get('status');
      const items = status ? campaigns.filter((c) => c.status === status) : campaigns;
      return { body: { items, total: items.length, offset: 0, limit: 20 } };
    },
    [`GET /api/campaigns/${ID_A}/stats`]: statsOf,
    [`GET /api/campaigns/${ID_B}/stats`]: statsOf,
  });
}

function renderHome(fetcher: ReturnType<typeof fakeFetcher>) {
  const renderer = createRenderer('home');
  renderer.render(
    <ApiProvider client={createApiClient(fetcher, SERVICE_URL)}>
      <CampaignsApp />
    </ApiProvider>,
  );
  return renderer;
}

describe('the campaigns home page', () => {
  it('lists the portal’s campaigns with their status, progress, outcomes, pledges and cost', async () => {
    const fetcher = homeFetcher();
    const { find, findAll, waitFor } = renderHome(fetcher);
    await waitFor(() => expect(findAll(StatusTag).map((t) => t.text)).toEqual(['Active', 'Paused']));
    const bars = findAll(ProgressBar);
    expect(bars.map((b) => [b.props.value, b.props.maxValue])).toEqual([
      [40, 100],
      [10, 10],
    ]);
    const firstRow = allText(findAll(TableRow)[1]);
    expect(firstRow).toContain('Spring appeal');
    expect(firstRow).toContain('12 pledged, 8 declined, 20 no answer');
    expect(firstRow).toContain('1,250.00 (12)');
    expect(firstRow).toContain('1,234 credits');
    expect(firstRow).toContain('55');
    expect(find(Table).props).toMatchObject({ pageCount: 1 });
    // One list request, then one stats request per campaign shown.
    expect(fetcher.seen.map((r) => r.path)).toEqual([
      '/api/campaigns?offset=0&limit=20',
      `/api/campaigns/${ID_A}/stats`,
      `/api/campaigns/${ID_B}/stats`,
    ]);
  });

  it('re-queries by status when the filter changes', async () => {
    const fetcher = homeFetcher();
    const { find, findAll, waitFor } = renderHome(fetcher);
    await waitFor(() => expect(findAll(StatusTag)).toHaveLength(2));
    fire(find(Select, { name: 'status' }), 'onChange', 'paused');
    await waitFor(() => expect(findAll(StatusTag).map((t) => t.text)).toEqual(['Paused']));
    expect(fetcher.seen.filter((r) => r.path.startsWith('/api/campaigns?')).map((r) => r.path)).toEqual([
      '/api/campaigns?offset=0&limit=20',
      '/api/campaigns?status=paused&offset=0&limit=20',
    ]);
  });

  it('shows the API’s message when the list cannot be read', async () => {
    const fetcher = fakeFetcher({
      'GET /api/campaigns': {
        status: 401,
        body: apiError('portal_disconnected', 'Reconnect HubSpot first.'),
      },
    });
    const { find, waitFor } = renderHome(fetcher);
    await waitFor(() => expect(find(Alert).text).toContain('Reconnect HubSpot first.'));
  });

  it('opens the wizard from the page header’s create button', async () => {
    const fetcher = homeFetcher();
    const { find, findAll, waitFor, maybeFind } = renderHome(fetcher);
    await waitFor(() => expect(findAll(StatusTag)).toHaveLength(2));
    find(PrimaryHeaderActionButton).trigger('onClick');
    // The wizard opens and starts loading what it offers (the agents first).
    await waitFor(() => expect(fetcher.seen.map((r) => r.path)).toContain('/api/elevenlabs/agents'));
    expect(maybeFind(Table)).toBeNull();
  });

  it('offers to create the first campaign when there is none', async () => {
    const fetcher = fakeFetcher({
      'GET /api/campaigns': { body: { items: [], total: 0, offset: 0, limit: 20 } },
    });
    const { find, waitFor, maybeFind } = renderHome(fetcher);
    await waitFor(() => expect(find(EmptyState).props.title).toBe('No campaigns yet'));
    find(Button, { variant: 'primary' }).trigger('onClick');
    await waitFor(() => expect(fetcher.seen.map((r) => r.path)).toContain('/api/elevenlabs/agents'));
    expect(maybeFind(EmptyState)).toBeNull();
  });

  it('opens a campaign’s page from its name', async () => {
    const fetcher = homeFetcher();
    const { find, findAll, waitFor } = renderHome(fetcher);
    await waitFor(() => expect(findAll(StatusTag)).toHaveLength(2));
    find(Button, (b) => b.text === 'Lapsed donors').trigger('onClick');
    await waitFor(() => expect(fetcher.seen.map((r) => r.path)).toContain(`/api/campaigns/${ID_B}`));
  });
});
