import { Alert, Input, LoadingButton, Select, StatusTag } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../src/app/lib/api-client.js';
import { ApiProvider } from '../src/app/lib/api-context.js';
import { SERVICE_URL } from '../src/app/lib/service-url.js';
import {
  type AgentView,
  DEFAULT_CLASSIFICATION,
  DEFAULT_PORTAL_DEFAULTS,
  type SettingsView,
} from '../src/app/lib/shared.js';
import { Settings } from '../src/app/settings/Settings.js';
import { apiError, fakeFetcher } from './helpers/fetchers.js';
import { deepText, eventArg } from './helpers/text.js';

const settings = (over: Partial<SettingsView> = {}): SettingsView => ({
  service: { connected: true, portal: { portalId: 4242, status: 'connected', statusReason: null } },
  dialling: { stopped: false, reason: null, changedBy: null, changedAt: null },
  elevenlabs: { reachable: true },
  defaults: DEFAULT_PORTAL_DEFAULTS,
  defaultsUpdatedAt: null,
  defaultsUpdatedByUserId: null,
  classification: DEFAULT_CLASSIFICATION,
  ...over,
});

const agent = (agentId: string, name: string): AgentView => ({
  agentId,
  name,
  tags: [],
  voice: null,
  firstMessage: null,
  language: 'en',
  allowsFirstMessageOverride: true,
  lastCallAt: null,
});

const AGENTS = [agent('agent_a', 'Spring caller'), agent('agent_b', 'Lapsed donors')];

function routes(over: Record<string, Parameters<typeof fakeFetcher>[0][string]> = {}) {
  return fakeFetcher({
    'GET /api/settings': { body: settings() },
    'GET /api/elevenlabs/agents': { body: { items: AGENTS } },
    ...over,
  });
}

function renderSettings(fetcher: ReturnType<typeof fakeFetcher>) {
  const renderer = createRenderer('settings');
  renderer.render(
    <ApiProvider client={createApiClient(fetcher, SERVICE_URL)}>
      <Settings />
    </ApiProvider>,
  );
  return renderer;
}

const checkButton = { variant: 'secondary' } as const;
const saveButton = { variant: 'primary' } as const;

describe('the settings page', () => {
  it('shows the connection of the service, the HubSpot account and ElevenLabs', async () => {
    const { findAll, find, waitFor } = renderSettings(
      routes({
        'GET /api/settings': {
          body: settings({
            elevenlabs: { reachable: false, message: 'ElevenLabs answered 401: invalid api key' },
          }),
        },
      }),
    );
    await waitFor(() => expect(findAll(StatusTag).length).toBeGreaterThanOrEqual(3));
    expect(findAll(StatusTag).map(deepText).slice(0, 4)).toEqual([
      'Connected',
      'Connected',
      'Running',
      'Unreachable',
    ]);
    expect(deepText(find(Alert, { variant: 'warning' }))).toContain('invalid api key');
    expect(findAll(Alert, { variant: 'danger' })).toHaveLength(0);
  });

  it('says that ops stopped all dialling, by whom, when and why', async () => {
    const { findAll, find, waitFor } = renderSettings(
      routes({
        'GET /api/settings': {
          body: settings({
            dialling: {
              stopped: true,
              reason: 'ElevenLabs incident',
              changedBy: 'ops:oncall',
              changedAt: '2026-12-01T14:05:00.000Z',
            },
          }),
        },
      }),
    );
    await waitFor(() => expect(findAll(StatusTag).length).toBeGreaterThanOrEqual(4));
    expect(findAll(StatusTag).map(deepText)[2]).toBe('Stopped');
    const alert = deepText(find(Alert, { variant: 'danger' }));
    expect(alert).toContain('Stopped by ops:oncall on 2026-12-01 14:05 UTC');
    expect(alert).toContain('Reason: ElevenLabs incident');
  });

  it('reports by name the id the chosen agent lacks after "check my agent"', async () => {
    const fetcher = routes({
      'POST /api/elevenlabs/agents/agent_b/check': (req) => {
        const ids = (req.body?.dataCollectionIds as string[]) ?? [];
        return {
          body: {
            agentId: 'agent_b',
            agentName: 'Lapsed donors',
            ids: ids.map((id) => ({ id, foundIn: id === 'callback_time' ? null : 'data_collection' })),
            missing: ids.filter((id) => id === 'callback_time'),
          },
        };
      },
    });
    const { find, waitFor } = renderSettings(fetcher);
    await waitFor(() => expect(find(LoadingButton, checkButton)).toBeTruthy());
    find(Select, { name: 'agentId' }).trigger('onChange', eventArg('agent_b'));
    await waitFor(() => expect(find(Select, { name: 'agentId' }).props.value).toBe('agent_b'));
    find(LoadingButton, checkButton).trigger('onClick');
    await waitFor(() =>
      expect(find(Alert, { variant: 'warning' }).props.title).toBe('Lapsed donors lacks 1 of them'),
    );
    expect(deepText(find(Alert, { variant: 'warning' }))).toContain('callback_time (Callback time)');
    const sent = fetcher.seen.find((r) => r.method === 'POST');
    expect(sent?.body).toEqual({
      dataCollectionIds: [
        'pledge_amount',
        'pledge_frequency',
        'callback_time',
        'do_not_call',
        'wrong_number',
        'voicemail',
        'declined',
      ],
    });
  });

  it('saves the defaults with a PUT', async () => {
    const fetcher = routes({
      'PUT /api/settings': (req) => ({
        body: settings({ defaults: req.body?.defaults as SettingsView['defaults'] }),
      }),
    });
    const { find, waitFor } = renderSettings(fetcher);
    await waitFor(() => expect(find(Input, { name: 'timeZone' })).toBeTruthy());
    find(Input, { name: 'timeZone' }).trigger('onChange', eventArg('America/Chicago'));
    find(Input, { name: 'doNotCallProperty' }).trigger('onChange', eventArg('donor_dnc'));
    await waitFor(() => expect(find(Input, { name: 'doNotCallProperty' }).props.value).toBe('donor_dnc'));
    find(LoadingButton, saveButton).trigger('onClick');
    await waitFor(() => expect(find(Alert, { variant: 'success' }).props.title).toBe('Defaults saved'));
    const put = fetcher.seen.filter((r) => r.method === 'PUT');
    expect(put).toHaveLength(1);
    expect(put[0]?.body).toEqual({
      defaults: { ...DEFAULT_PORTAL_DEFAULTS, timeZone: 'America/Chicago', doNotCallProperty: 'donor_dnc' },
    });
  });

  it('shows a 400 on the field it names', async () => {
    const fetcher = routes({
      'PUT /api/settings': {
        status: 400,
        body: apiError(
          'invalid_request',
          'defaults.timeZone: expected an IANA time zone such as America/New_York',
          'defaults.timeZone',
        ),
      },
    });
    const { find, waitFor } = renderSettings(fetcher);
    await waitFor(() => expect(find(Input, { name: 'timeZone' })).toBeTruthy());
    find(Input, { name: 'timeZone' }).trigger('onChange', eventArg('Mars/Base'));
    await waitFor(() => expect(find(Input, { name: 'timeZone' }).props.value).toBe('Mars/Base'));
    find(LoadingButton, saveButton).trigger('onClick');
    await waitFor(() => expect(find(Input, { name: 'timeZone' }).props.error).toBe(true));
    expect(find(Input, { name: 'timeZone' }).props.validationMessage).toContain('expected an IANA time zone');
    expect(find(Input, { name: 'doNotCallProperty' }).props.error).toBeUndefined();
    expect(deepText(find(Alert, { variant: 'error' }))).toContain('expected an IANA time zone');
  });

  it('shows the API’s error when the page cannot load', async () => {
    const { find, waitFor } = renderSettings(
      routes({ 'GET /api/settings': { status: 500, body: apiError('internal', 'database down') } }),
    );
    await waitFor(() => expect(deepText(find(Alert, { variant: 'error' }))).toContain('database down'));
  });
});
