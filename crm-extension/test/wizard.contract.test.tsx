import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startService } from '../../service/src/runtime.js';
import { TUESDAY_AFTERNOON_NY } from '../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../test/helpers/database.js';
import { ManualClock } from '../../test/helpers/engine.js';
import { sandboxTestConfig } from '../../test/helpers/sandbox-service.js';
import { waitUntil } from '../../test/helpers/wait.js';
// The run's provided values (the test database's URLs) are declared there: this project's typecheck needs them too.
import type {} from '../../test/setup/global-setup.js';
import { createApiClient } from '../src/app/lib/api-client.js';
import { SERVICE_URL } from '../src/app/lib/service-url.js';
import { INITIAL_DRAFT, toCreateRequest } from '../src/app/pages/wizard/draft.js';
import { mappedProperties, renderMessage } from '../src/app/pages/wizard/render-message.js';
import { type WizardApi, wizardApi } from '../src/app/pages/wizard/wizard-api.js';
import { contractFetcher } from './helpers/contract-fetcher.js';

/**
 * The wizard's API module against a real sandbox service, signed as HubSpot's proxy signs: every call the wizard
 * makes, in its order, parsed by the same schemas the views use. If the service or the shared schemas change under
 * the wizard, this fails here rather than in HubSpot.
 */

let db: TestDatabase;
let service: RunningService;
let api: WizardApi;
let fetcher: ReturnType<typeof contractFetcher>;
let demo: NonNullable<RunningService['integrations']['sandbox']>['demoPortal'];

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db),
    logger: silentLogger,
    clock: new ManualClock(TUESDAY_AFTERNOON_NY),
    startDispatcher: false,
  });
  const sandbox = service.integrations.sandbox;
  if (!sandbox) throw new Error('not a sandbox service');
  demo = sandbox.demoPortal;
  fetcher = contractFetcher(service, { portalId: demo.portalId });
  api = wizardApi(createApiClient(fetcher, SERVICE_URL));
});
afterAll(async () => {
  await service?.stop();
  await db?.drop();
});

describe("the wizard's calls against the service", () => {
  it('finds the list, agent and number, previews the message, creates, previews the import and launches', async () => {
    const quick = demo.lists.find((l) => l.size === 20);
    if (!quick) throw new Error('no 20-donor list in the demo portal');

    const lists = await api.searchLists('quick demo');
    expect(lists.items.map((l) => l.listId)).toEqual([quick.listId]);

    const { items: agents } = await api.agents();
    const agent = agents.find((a) => a.agentId === demo.agentId);
    expect(agent).toBeDefined();
    const { items: numbers } = await api.phoneNumbers();
    expect(numbers.find((n) => n.phoneNumberId === demo.phoneNumberId)?.canDialOut).toBe(true);

    const voiceId = agent?.voice?.voiceId;
    if (voiceId === undefined) throw new Error('the demo agent has no voice');
    const voice = await api.voicePreview(voiceId, 'Hello, this is a preview.');
    expect(voice.url).toMatch(/^https?:\/\//);

    const sample = await api.sampleContact(quick.listId, mappedProperties(INITIAL_DRAFT.variableProperties));
    expect(sample.properties.firstname).toEqual(expect.any(String));
    expect(renderMessage('Hi {{first_name}}!', INITIAL_DRAFT.variableProperties, sample.properties)).toBe(
      `Hi ${sample.properties.firstname}!`,
    );

    const draft = {
      ...INITIAL_DRAFT,
      name: 'Contract appeal',
      listId: quick.listId,
      listName: quick.name,
      agentId: demo.agentId,
      phoneNumberId: demo.phoneNumberId,
      firstMessage: 'Hi {{first_name}}, this is the animal shelter.',
      defaultTimeZone: 'America/New_York',
    };
    const request = toCreateRequest(
      draft,
      `contract-${Date.now()}`,
      agent?.allowsFirstMessageOverride ?? false,
    );
    const created = await api.createCampaign(request);
    expect(created).toMatchObject({
      name: 'Contract appeal',
      listId: quick.listId,
      defaultTimeZone: 'America/New_York',
    });
    // The same session's key again: the same campaign, not a second one.
    expect((await api.createCampaign(request)).id).toBe(created.id);

    let preview = await api.importPreview(created.id);
    await waitUntil(
      async () => {
        preview = await api.importPreview(created.id);
        return preview.complete;
      },
      { timeoutMs: 30_000, what: 'the import preview to complete' },
    );
    expect(preview.contacts).toBe(20);
    expect(preview.eligible).toBeGreaterThan(0);

    const started = await api.start(created.id);
    expect(started).toMatchObject({ id: created.id, status: 'active' });
    expect(fetcher.seen.every((r) => r.status < 300)).toBe(true);
  });

  it('answers a window the service refuses with a 400 naming the field the wizard shows it on', async () => {
    const request = toCreateRequest(
      {
        ...INITIAL_DRAFT,
        name: 'Bad window',
        listId: '102',
        agentId: demo.agentId,
        phoneNumberId: demo.phoneNumberId,
        start: '18:00',
        end: '09:00',
      },
      `contract-bad-${Date.now()}`,
      false,
    );
    const error = await api.createCampaign(request).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, field: 'window.end' });
    // Fixed on its step and sent again with the session's key: the refused create did not use the key up.
    const fixed = await api.createCampaign({
      ...request,
      window: { ...request.window, start: '09:00', end: '18:00' },
    });
    expect(fixed).toMatchObject({ name: 'Bad window', window: { start: '09:00', end: '18:00' } });
  });
});
