/// <reference path="../../test/setup/global-setup.ts" />
// The sandbox service helpers read the test database from vitest's provided context, declared by the global setup.
import { Alert, Button, ProgressBar, StatisticsItem, StatusTag, TableRow } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTestService, startApiTestService } from '../../service/test/api/api-service.js';
import { createApiClient } from '../src/app/lib/api-client.js';
import { ApiProvider } from '../src/app/lib/api-context.js';
import { SERVICE_URL } from '../src/app/lib/service-url.js';
import { CampaignsApp } from '../src/app/pages/CampaignsApp.js';
import { allText } from './helpers/campaign-fixtures.js';
import { contractFetcher } from './helpers/contract-fetcher.js';

/**
 * The campaigns home and the campaign page against a real sandbox service (signed as HubSpot's proxy signs): the
 * views must render what the API really answers, with no error, so the two cannot drift apart.
 */

let t: ApiTestService;
let campaignId: string;
const SLOW = { timeoutInMs: 15_000 };

beforeAll(async () => {
  t = await startApiTestService();
  ({ id: campaignId } = await t.createImportedCampaign({ name: 'Contract appeal' }));
});
afterAll(async () => {
  await t.stop();
});

describe('the campaign pages against the real API', () => {
  it('list the campaign with its stats, then open its page with statistics, calls and a working export link', async () => {
    const fetcher = contractFetcher(t.service, { portalId: t.portalIdA });
    const { render, find, findAll, maybeFind, waitFor } = createRenderer('home');
    render(
      <ApiProvider client={createApiClient(fetcher, SERVICE_URL)}>
        <CampaignsApp timing={{ pollMs: 60_000, idleMs: 600_000 }} />
      </ApiProvider>,
    );

    // Home: the imported campaign, its status and its progress over the list's contacts.
    await waitFor(() => expect(findAll(StatusTag).length).toBeGreaterThan(0), SLOW);
    expect(maybeFind(Alert)).toBeNull();
    const row = allText(findAll(TableRow)[1]);
    expect(row).toContain('Contract appeal');
    expect(find(StatusTag).text).toBe('Ready');
    expect(find(ProgressBar).props.maxValue).toBeGreaterThan(0);
    expect(fetcher.seen.every((r) => r.status === 200)).toBe(true);

    // The campaign page: statistics, the (empty) calls table, no error.
    find(Button, (b) => b.text === 'Contract appeal').trigger('onClick');
    await waitFor(() => expect(findAll(StatisticsItem).length).toBeGreaterThan(0), SLOW);
    await waitFor(() => expect(allText(find(Button, (b) => b.text === 'Export CSV'))).toBeTruthy(), SLOW);
    await waitFor(() => expect(fetcher.seen.some((r) => r.path.includes('/attempts'))).toBe(true), SLOW);
    await waitFor(() => expect(maybeFind(Alert, { variant: 'error' })).toBeNull(), SLOW);
    expect(find(StatisticsItem, { label: 'Calls in flight' }).props.number).toBe(0);
    expect(find(StatusTag).text).toBe('Ready');

    // The export: a signed link the browser can open with no HubSpot signature.
    find(Button, (b) => b.text === 'Export CSV').trigger('onClick');
    await waitFor(() => expect(maybeFind(Button, (b) => b.text === 'Download CSV')).not.toBeNull(), SLOW);
    const href = find(Button, (b) => b.text === 'Download CSV').props.href;
    const url = typeof href === 'string' ? href : (href?.url ?? '');
    expect(url).toContain(`/exports/${campaignId}.csv?portal=${t.portalIdA}`);
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('text/csv; charset=utf-8');

    // Cancel, confirmed, through the real transition.
    find(Button, (b) => b.text === 'Cancel campaign').trigger('onClick');
    find(Button, (b) => b.text === 'Yes, cancel it').trigger('onClick');
    await waitFor(() => expect(find(StatusTag).text).toBe('Cancelled'), SLOW);
    expect(maybeFind(Button, (b) => b.text === 'Cancel campaign')).toBeNull();

    expect(fetcher.seen.filter((r) => r.status >= 400)).toEqual([]);
  });
});
