import {
  Alert,
  EmptyState,
  Input,
  LoadingButton,
  Select,
  StatusTag,
  TableRow,
  Toggle,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startService } from '../../service/src/runtime.js';
import { SANDBOX_AGENTS } from '../../service/src/sandbox/elevenlabs/catalog.js';
import { insertCampaign, TUESDAY_AFTERNOON_NY } from '../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../test/helpers/database.js';
import { ManualClock } from '../../test/helpers/engine.js';
import { seedEndedAttempts } from '../../test/helpers/results-seed.js';
import { sandboxTestConfig } from '../../test/helpers/sandbox-service.js';
// The test database's provided context (vitest's inject) is declared there: this project's typecheck needs it.
import type {} from '../../test/setup/global-setup.js';
import { ContactAiCalls } from '../src/app/cards/ContactAiCalls.js';
import { createApiClient } from '../src/app/lib/api-client.js';
import { ApiProvider } from '../src/app/lib/api-context.js';
import { SERVICE_URL } from '../src/app/lib/service-url.js';
import { Settings } from '../src/app/settings/Settings.js';
import { contractFetcher } from './helpers/contract-fetcher.js';
import { deepText, eventArg } from './helpers/text.js';

/**
 * The contact tab and the settings page against a real sandbox service (its database, its fake HubSpot and
 * ElevenLabs), through hubspot.fetch as HubSpot's proxy signs it: the views' requests must be ones the API accepts,
 * and its answers ones the views understand.
 */

let db: TestDatabase;
let service: RunningService;
let portalId: number;
/** A contact the sandbox HubSpot has, called once in an active campaign. */
const CALLED = '20001';
/** One it has and nobody called. */
const NEVER_CALLED = '20002';

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db),
    logger: silentLogger,
    clock: new ManualClock(TUESDAY_AFTERNOON_NY),
    startDispatcher: false,
  });
  const demo = service.integrations.sandbox!.demoPortal;
  portalId = demo.portalId;
  const campaignId = await insertCampaign(db.pool, {
    portalId,
    status: 'active',
    agentId: demo.agentId,
    phoneNumberId: demo.phoneNumberId,
  });
  await seedEndedAttempts(db.pool, { portalId, campaignId, count: 1, firstContactId: Number(CALLED) });
});
afterAll(async () => {
  await service?.stop();
  await db?.drop();
});

function render(node: React.ReactNode, location: 'crm.record.tab' | 'settings') {
  const fetcher = contractFetcher(service, { portalId });
  const renderer = createRenderer(location);
  renderer.render(<ApiProvider client={createApiClient(fetcher, SERVICE_URL)}>{node}</ApiProvider>);
  return { ...renderer, fetcher };
}

describe('the contact tab against the service', () => {
  it('shows the call history, calls now (dialing or a named rule) and sets do-not-call', async () => {
    const { find, findAll, maybeFind, waitFor, fetcher } = render(
      <ContactAiCalls contactId={CALLED} portalTimeZone="America/New_York" />,
      'crm.record.tab',
    );
    await waitFor(() => expect(findAll(TableRow).length).toBe(2), { timeoutInMs: 10_000 });
    expect(deepText(findAll(TableRow)[1]!)).toContain('test campaign');

    find(LoadingButton, { variant: 'primary' }).trigger('onClick');
    await waitFor(
      () =>
        expect(
          maybeFind(Alert, { variant: 'success' }) ?? maybeFind(Alert, { variant: 'warning' }),
        ).not.toBeNull(),
      { timeoutInMs: 10_000 },
    );
    expect(maybeFind(Alert, { variant: 'error' })).toBeNull();

    find(Toggle).trigger('onChange', eventArg(true));
    // The PUT's answer, not the toggle alone: the call placed above may end opted out and check the toggle itself.
    const seenDoNotCall = () =>
      fetcher.seen.some(
        (r) => r.method === 'PUT' && r.path.startsWith(`/api/contacts/${CALLED}/do-not-call`),
      );
    await waitFor(() => expect(seenDoNotCall()).toBe(true), { timeoutInMs: 10_000 });
    await waitFor(() => expect(find(Toggle).props.checked).toBe(true), { timeoutInMs: 10_000 });
    expect(fetcher.seen.map((r) => `${r.method} ${r.path.split('?')[0]} ${r.status}`)).toEqual(
      expect.arrayContaining([
        `GET /api/contacts/${CALLED}/calls 200`,
        `GET /api/contacts/${CALLED}/state 200`,
        'GET /api/campaigns 200',
        `POST /api/contacts/${CALLED}/call-now 200`,
        `PUT /api/contacts/${CALLED}/do-not-call 200`,
      ]),
    );
  });

  it('shows the empty state for a contact never called', async () => {
    const { find, waitFor } = render(
      <ContactAiCalls contactId={NEVER_CALLED} portalTimeZone="America/New_York" />,
      'crm.record.tab',
    );
    await waitFor(() => expect(find(EmptyState).props.title).toBe('No AI calls yet'), {
      timeoutInMs: 10_000,
    });
  });
});

describe('the settings page against the service', () => {
  it('shows the connections, checks an agent, saves the defaults and shows a 400 on its field', async () => {
    const { find, findAll, waitFor, fetcher } = render(<Settings />, 'settings');
    await waitFor(() => expect(findAll(StatusTag).length).toBeGreaterThanOrEqual(4), { timeoutInMs: 10_000 });
    expect(findAll(StatusTag).map(deepText).slice(0, 4)).toEqual([
      'Connected',
      'Connected',
      'Running',
      'Reachable',
    ]);

    // The sandbox's second agent lacks callback_time.
    const lapsed = SANDBOX_AGENTS[1]!;
    await waitFor(() => expect(find(Select, { name: 'agentId' })).toBeTruthy(), { timeoutInMs: 10_000 });
    find(Select, { name: 'agentId' }).trigger('onChange', eventArg(lapsed.agentId));
    await waitFor(() => expect(find(Select, { name: 'agentId' }).props.value).toBe(lapsed.agentId));
    find(LoadingButton, { variant: 'secondary' }).trigger('onClick');
    await waitFor(() => expect(deepText(find(Alert, { variant: 'warning' }))).toContain('callback_time'), {
      timeoutInMs: 10_000,
    });
    expect(find(Alert, { variant: 'warning' }).props.title).toBe(`${lapsed.name} lacks 1 of them`);

    find(Input, { name: 'timeZone' }).trigger('onChange', eventArg('Mars/Base'));
    await waitFor(() => expect(find(Input, { name: 'timeZone' }).props.value).toBe('Mars/Base'));
    find(LoadingButton, { variant: 'primary' }).trigger('onClick');
    await waitFor(() => expect(find(Input, { name: 'timeZone' }).props.error).toBe(true), {
      timeoutInMs: 10_000,
    });

    find(Input, { name: 'timeZone' }).trigger('onChange', eventArg('America/Chicago'));
    await waitFor(() => expect(find(Input, { name: 'timeZone' }).props.value).toBe('America/Chicago'));
    find(LoadingButton, { variant: 'primary' }).trigger('onClick');
    await waitFor(() => expect(find(Alert, { variant: 'success' }).props.title).toBe('Defaults saved'), {
      timeoutInMs: 10_000,
    });
    const stored = await db.pool.query<{ defaults: { timeZone: string } }>(
      'SELECT defaults FROM portal_settings WHERE portal_id = $1',
      [portalId],
    );
    expect(stored.rows[0]?.defaults.timeZone).toBe('America/Chicago');
    expect(fetcher.seen.filter((r) => r.method === 'PUT').map((r) => r.status)).toEqual([400, 200]);
  });
});
