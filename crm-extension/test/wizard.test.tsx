import {
  Alert,
  Button,
  Input,
  Link,
  Select,
  StepIndicator,
  Text,
  TextArea,
  TimeInput,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { describe, expect, it, vi } from 'vitest';
import { createApiClient } from '../src/app/lib/api-client.js';
import { ApiProvider } from '../src/app/lib/api-context.js';
import { SERVICE_URL } from '../src/app/lib/service-url.js';
import { CampaignWizard } from '../src/app/pages/wizard/CampaignWizard.js';
import { apiError, fakeFetcher } from './helpers/fetchers.js';
import { CAMPAIGN_ID, CATALOG_ROUTES, campaignView, PREVIEW } from './wizard-fixtures.js';

type Routes = Parameters<typeof fakeFetcher>[0];

/**
 * Triggers an input's change with the value its handler takes. (0.17 types `trigger`'s argument as the handler
 * itself, so a value needs this one cast.)
 */
function change(node: { trigger: (...args: never[]) => void }, value: unknown, event = 'onChange') {
  (node.trigger as (event: string, value: unknown) => void)(event, value);
}

function renderWizard(routes: Routes) {
  const fetcher = fakeFetcher({ ...CATALOG_ROUTES, ...routes });
  const renderer = createRenderer('home');
  const onDone = vi.fn();
  const onCancel = vi.fn();
  renderer.render(
    <ApiProvider client={createApiClient(fetcher, SERVICE_URL)}>
      <CampaignWizard onDone={onDone} onCancel={onCancel} />
    </ApiProvider>,
  );
  const { find, maybeFind, waitFor } = renderer;
  const step = () => find(StepIndicator).props.currentStep;
  const next = () => find(Button, { variant: 'primary' }).trigger('onClick');
  const posts = () => fetcher.seen.filter((r) => r.method !== 'GET');

  /** Step 1 filled in: name, the 20-donor list, the agent that allows overrides, the outbound number. */
  async function fillAudience() {
    await waitFor(() => expect(maybeFind(Select, { name: 'agentId' })).not.toBeNull());
    change(find(Input, { name: 'name' }), 'Spring appeal');
    await waitFor(() => expect(maybeFind(Select, { name: 'listId' })).not.toBeNull());
    change(find(Select, { name: 'listId' }), '102');
    change(find(Select, { name: 'agentId' }), 'agent_spring');
    await waitFor(() => expect(maybeFind(Select, { name: 'phoneNumberId' })).not.toBeNull());
    change(find(Select, { name: 'phoneNumberId' }), 'pn_main');
  }

  /** From step 1 to the review, with the defaults of steps 2–4. */
  async function toReview() {
    await fillAudience();
    for (const expected of [1, 2, 3, 4]) {
      next();
      await waitFor(() => expect(step()).toBe(expected));
    }
  }

  return { ...renderer, fetcher, onDone, onCancel, step, next, posts, fillAudience, toReview };
}

describe('the campaign wizard', () => {
  it('goes from the list to Launch: the create body, the import preview, the start, then onDone with the id', async () => {
    const w = renderWizard({
      'POST /api/campaigns': { status: 201, body: campaignView('importing') },
      [`GET /api/campaigns/${CAMPAIGN_ID}/import-preview`]: { body: PREVIEW },
      [`POST /api/campaigns/${CAMPAIGN_ID}/start`]: { body: campaignView('active') },
    });
    await w.fillAudience();

    // Only numbers that can dial out are offered; the voice preview opens the rendered audio.
    expect(w.find(Select, { name: 'phoneNumberId' }).props.options.map((o) => o.value)).toEqual(['pn_main']);
    w.find(Button, (b) => (b.text ?? '').startsWith('Preview the voice')).trigger('onClick');
    await w.waitFor(() =>
      expect(w.find(Link).props.href).toEqual({
        url: 'https://fundraising.example.org/voice-previews/abc.mp3',
        external: true,
      }),
    );
    expect(w.fetcher.seen.find((r) => r.path === '/api/voices/voiceAva/preview')?.body).toEqual({
      text: 'Hi, thank you for your last gift of!',
    });

    w.next();
    await w.waitFor(() => expect(w.step()).toBe(1));
    // The message rendered for a real contact of the list, with the mapped properties.
    await w.waitFor(() =>
      expect(w.findAll(Text).map((t) => t.text)).toContain('Hi Ada, thank you for your last gift of 50!'),
    );
    const sample = w.fetcher.seen.find((r) => r.path.startsWith('/api/hubspot/lists/102/sample-contact'));
    expect(sample?.path).toBe(
      '/api/hubspot/lists/102/sample-contact?properties=firstname%2Clast_gift_amount%2Clastname',
    );
    change(w.find(Input, { name: 'variableProperties.last_gift_amount' }), 'hs_last_gift');

    for (const expected of [2, 3, 4]) {
      w.next();
      await w.waitFor(() => expect(w.step()).toBe(expected));
    }
    expect(w.posts().filter((r) => r.path === '/api/campaigns')).toEqual([]);
    w.next(); // Create and check the list
    await w.waitFor(() =>
      expect(w.findAll(Button, { variant: 'primary' })[0]?.text).toContain('Launch: call 15'),
    );

    const create = w.posts().find((r) => r.path === '/api/campaigns');
    expect(create?.body).toEqual({
      name: 'Spring appeal',
      listId: '102',
      agentId: 'agent_spring',
      phoneNumberId: 'pn_main',
      window: { days: [1, 2, 3, 4, 5], start: '10:00', end: '19:00', blackoutDates: [] },
      retryPolicy: {
        callback_requested: { delayMinutes: 60, maxAttempts: 3 },
        voicemail: { delayMinutes: 1440, maxAttempts: 2 },
        no_answer: { delayMinutes: 240, maxAttempts: 3 },
        busy: { delayMinutes: 30, maxAttempts: 3 },
        failed: { delayMinutes: 60, maxAttempts: 2 },
      },
      maxAttempts: 3,
      concurrencyCap: 5,
      dailyCap: 500,
      variableProperties: {
        first_name: 'firstname',
        last_name: 'lastname',
        last_gift_amount: 'hs_last_gift',
      },
      consent: { required: true, property: 'ai_call_consent' },
      doNotCallProperty: 'fundraising_do_not_call',
      idempotencyKey: expect.stringMatching(/^wizard-.{8,}/),
    });
    expect(w.onDone).not.toHaveBeenCalled();

    w.next(); // Launch
    await w.waitFor(() => expect(w.onDone).toHaveBeenCalledWith(CAMPAIGN_ID));
    expect(w.posts().map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/voices/voiceAva/preview',
      'POST /api/campaigns',
      `POST /api/campaigns/${CAMPAIGN_ID}/start`,
    ]);
    expect(w.posts().at(-1)?.body).toEqual({});
  });

  it("keeps the agent's own first message when it does not allow overrides, and says so", async () => {
    const w = renderWizard({ 'POST /api/campaigns': { status: 201, body: campaignView('importing') } });
    await w.fillAudience();
    change(w.find(Select, { name: 'agentId' }), 'agent_locked');
    w.next();
    await w.waitFor(() => expect(w.step()).toBe(1));
    expect(w.maybeFind(TextArea, { name: 'firstMessage' })).toBeNull();
    await w.waitFor(() => expect(w.findAll(Text).map((t) => t.text)).toContain('Hello Ada.'));
    for (const expected of [2, 3, 4]) {
      w.next();
      await w.waitFor(() => expect(w.step()).toBe(expected));
    }
    w.next();
    await w.waitFor(() => expect(w.posts()).toHaveLength(1));
    expect(w.posts()[0]?.body).not.toHaveProperty('firstMessage');
    expect(w.posts()[0]?.body).toMatchObject({ agentId: 'agent_locked' });
  });

  it("sends the campaign's own first message, and shows it rendered for the list's contact", async () => {
    const w = renderWizard({ 'POST /api/campaigns': { status: 201, body: campaignView('importing') } });
    await w.fillAudience();
    w.next();
    await w.waitFor(() => expect(w.maybeFind(TextArea, { name: 'firstMessage' })).not.toBeNull());
    change(w.find(TextArea, { name: 'firstMessage' }), 'Hello {{first_name}}, spring is here.');
    await w.waitFor(() => expect(w.findAll(Text).map((t) => t.text)).toContain('Hello Ada, spring is here.'));
    // Heard in the agent's voice, as rendered.
    w.find(Button, (b) => b.text === 'Hear this line').trigger('onClick');
    await w.waitFor(() => expect(w.maybeFind(Link)).not.toBeNull());
    expect(w.posts().at(-1)).toMatchObject({
      path: '/api/voices/voiceAva/preview',
      body: { text: 'Hello Ada, spring is here.' },
    });
    for (const expected of [2, 3, 4]) {
      w.next();
      await w.waitFor(() => expect(w.step()).toBe(expected));
    }
    w.next();
    await w.waitFor(() => expect(w.posts().filter((r) => r.path === '/api/campaigns')).toHaveLength(1));
    expect(w.posts().find((r) => r.path === '/api/campaigns')?.body).toMatchObject({
      firstMessage: 'Hello {{first_name}}, spring is here.',
    });
  });

  it("shows the API's message in an alert when the create fails for another reason, and stays on the review", async () => {
    const w = renderWizard({
      'POST /api/campaigns': {
        status: 502,
        body: apiError(
          'upstream_unavailable',
          'HubSpot could not be reached or refused the request: timeout',
        ),
      },
    });
    await w.toReview();
    w.next();
    await w.waitFor(() =>
      expect(w.find(Alert).text).toContain('HubSpot could not be reached or refused the request: timeout'),
    );
    expect(w.step()).toBe(4);
    expect(w.onDone).not.toHaveBeenCalled();
  });

  it('keeps a window that ends before it starts on its step, with the message on the end field, and sends nothing', async () => {
    const w = renderWizard({});
    await w.fillAudience();
    w.next();
    await w.waitFor(() => expect(w.step()).toBe(1));
    w.next();
    await w.waitFor(() => expect(w.step()).toBe(2));

    change(w.find(TimeInput, { name: 'window.end' }), { hours: 9, minutes: 0 });
    w.next();
    await w.waitFor(() =>
      expect(w.find(TimeInput, { name: 'window.end' }).props.validationMessage).toBe(
        'must end after it starts',
      ),
    );
    expect(w.find(TimeInput, { name: 'window.end' }).props.error).toBe(true);
    expect(w.step()).toBe(2);
    expect(w.posts()).toEqual([]);

    // Fixed, the message goes and the wizard moves on.
    change(w.find(TimeInput, { name: 'window.end' }), { hours: 20, minutes: 0 });
    await w.waitFor(() =>
      expect(w.find(TimeInput, { name: 'window.end' }).props.validationMessage).toBeUndefined(),
    );
    w.next();
    await w.waitFor(() => expect(w.step()).toBe(3));
  });

  it('shows what is missing on the first step instead of moving on', async () => {
    const w = renderWizard({});
    await w.waitFor(() => expect(w.maybeFind(Select, { name: 'agentId' })).not.toBeNull());
    w.next();
    await w.waitFor(() =>
      expect(w.find(Input, { name: 'name' }).props.validationMessage).toBe('expected a name'),
    );
    expect(w.find(Select, { name: 'agentId' }).props.validationMessage).toBe(
      'expected an ElevenLabs agent id',
    );
    expect(w.step()).toBe(0);
  });

  it.each([
    {
      field: 'window.end',
      message: 'window.end: must be at or before 21:00',
      step: 2,
    },
    {
      field: 'listId',
      message: 'listId: HubSpot has no such contact list',
      step: 0,
    },
  ])(
    "shows the server's 400 naming $field on that field, back on its step",
    async ({ field, message, step }) => {
      const w = renderWizard({
        'POST /api/campaigns': { status: 400, body: apiError('invalid_request', message, field) },
      });
      await w.toReview();
      w.next(); // Create
      await w.waitFor(() => expect(w.step()).toBe(step));
      const expected = message.slice(field.length + 2);
      if (field === 'listId') {
        await w.waitFor(() =>
          expect(w.find(Select, { name: 'listId' }).props.validationMessage).toBe(expected),
        );
      } else {
        expect(w.find(TimeInput, { name: 'window.end' }).props.validationMessage).toBe(expected);
      }
      expect(w.posts().filter((r) => r.path === '/api/campaigns')).toHaveLength(1);
      expect(w.onDone).not.toHaveBeenCalled();
    },
  );
});
