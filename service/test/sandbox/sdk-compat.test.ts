import { ElevenLabsClient, ElevenLabsError } from '@elevenlabs/elevenlabs-js';
import { Client as HubSpotClient } from '@hubspot/api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { SANDBOX_OUTCOMES, type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

/**
 * The maintained SDKs, pointed at the sandbox with `baseUrl` / `basePath`, must read every answer the fakes give:
 * both SDKs validate or map responses, so a missing required field or a wrong status shows up here.
 */

let sandbox: Sandbox;
let receiver: WebhookReceiver;
let eleven: ElevenLabsClient;
let hubspot: HubSpotClient;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  sandbox = await startSandbox({
    webhookUrl: receiver.url,
    seed: 5,
    timeScale: 0.0005,
    concurrencyLimit: 2,
    logger: createLogger('silent'),
  });
  eleven = new ElevenLabsClient({ apiKey: 'sandbox', baseUrl: sandbox.elevenlabs.url, maxRetries: 0 });
  hubspot = new HubSpotClient({ accessToken: sandbox.demoPortal.accessToken, basePath: sandbox.hubspot.url });
});
afterAll(async () => {
  await sandbox.stop();
  await receiver.close();
});

describe('the ElevenLabs SDK against the fake', () => {
  it('dials through Twilio and SIP, reads the conversation in flight and done, and verifies the webhook', async () => {
    const { demoPortal } = sandbox;
    sandbox.elevenlabs.script('+12125550100', 'pledged');
    sandbox.elevenlabs.script('+12125550101', 'busy');
    const twilio = await eleven.conversationalAi.twilio.outboundCall({
      agentId: demoPortal.agentId,
      agentPhoneNumberId: demoPortal.phoneNumberId,
      toNumber: '+12125550100',
      conversationInitiationClientData: {
        userId: 'attempt-1',
        dynamicVariables: { donor_first_name: 'Ada', attempt_id: 'attempt-1' },
      },
    });
    expect(twilio).toMatchObject({
      success: true,
      conversationId: expect.stringMatching(/^conv_/),
      callSid: expect.stringMatching(/^CA/),
    });
    const sip = await eleven.conversationalAi.sipTrunk.outboundCall({
      agentId: demoPortal.agentId,
      agentPhoneNumberId: demoPortal.sipPhoneNumberId,
      toNumber: '+12125550101',
    });
    expect(sip.sipCallId).toEqual(expect.any(String));

    const inFlight = await eleven.conversationalAi.conversations.get(String(twilio.conversationId));
    expect(inFlight.conversationId).toBe(twilio.conversationId);

    await sandbox.elevenlabs.settleAll();
    const done = await eleven.conversationalAi.conversations.get(String(twilio.conversationId));
    expect(done.status).toBe('done');
    expect(done.userId).toBe('attempt-1');
    expect(done.analysis?.dataCollectionResults?.pledge_amount?.value).toEqual(expect.any(Number));

    const page = await eleven.conversationalAi.conversations.list({
      agentId: demoPortal.agentId,
      pageSize: 1,
    });
    expect(page.conversations).toHaveLength(1);
    expect(page.hasMore).toBe(true);

    const hooks = await receiver.waitFor(2);
    for (const hook of hooks) {
      const event = await eleven.webhooks.constructEvent(
        hook.rawBody,
        String(hook.headers['elevenlabs-signature']),
        sandbox.secrets.elevenLabsWebhookSecret,
      );
      expect(['post_call_transcription', 'call_initiation_failure']).toContain(event.type);
    }
  });

  it('reads the conversation of every outcome', async () => {
    for (const [i, outcome] of SANDBOX_OUTCOMES.entries()) {
      const toNumber = `+1312555${String(100 + i).padStart(4, '0')}`;
      sandbox.elevenlabs.script(toNumber, outcome);
      const placed = await eleven.conversationalAi.twilio.outboundCall({
        agentId: sandbox.demoPortal.agentId,
        agentPhoneNumberId: sandbox.demoPortal.phoneNumberId,
        toNumber,
      });
      await sandbox.elevenlabs.settleAll();
      const conversation = await eleven.conversationalAi.conversations.get(String(placed.conversationId));
      expect(conversation.metadata.phoneCall?.type).toBe('twilio');
    }
  });

  it('surfaces the concurrency 429 as ElevenLabsError with the body', async () => {
    const dial = (n: string) =>
      eleven.conversationalAi.twilio.outboundCall({
        agentId: sandbox.demoPortal.agentId,
        agentPhoneNumberId: sandbox.demoPortal.phoneNumberId,
        toNumber: n,
      });
    const results = await Promise.allSettled([
      dial('+12125550110'),
      dial('+12125550111'),
      dial('+12125550112'),
    ]);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.status).toBe('rejected');
    const error = rejected?.status === 'rejected' ? rejected.reason : undefined;
    expect(error).toBeInstanceOf(ElevenLabsError);
    expect(error).toMatchObject({
      statusCode: 429,
      body: { detail: { status: 'too_many_concurrent_requests' } },
    });
    await sandbox.elevenlabs.settleAll();
  });

  it('lists agents, phone numbers (bare array) and voices, and speaks a preview', async () => {
    const agents = await eleven.conversationalAi.agents.list();
    expect(agents.agents.map((a) => a.agentId)).toContain(sandbox.demoPortal.agentId);
    const numbers = await eleven.conversationalAi.phoneNumbers.list();
    expect(numbers.map((n) => n.provider).sort()).toEqual(['sip_trunk', 'twilio']);
    const voices = await eleven.voices.getAll();
    expect(voices.voices.length).toBeGreaterThan(0);
    const stream = await eleven.textToSpeech.convert(String(voices.voices[0]?.voiceId), { text: 'Hello' });
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    expect(bytes.length).toBeGreaterThan(0);
    expect([...bytes.slice(0, 2)]).toEqual([0xff, 0xfb]);
  });
});

describe('the HubSpot SDK against the fake', () => {
  it('searches lists, pages memberships and batch-reads contacts', async () => {
    const found = await hubspot.crm.lists.listsApi.doSearch({ query: 'Quick', processingTypes: ['MANUAL'] });
    expect(found.lists.map((l) => l.listId)).toEqual(['102']);
    const list = await hubspot.crm.lists.listsApi.getById('102');
    expect(list.list.size).toBe(20);
    const page = await hubspot.crm.lists.membershipsApi.getPage('102', undefined, undefined, 15);
    expect(page.results).toHaveLength(15);
    expect(page.paging?.next?.after).toEqual(expect.any(String));
    const contacts = await hubspot.crm.contacts.batchApi.read({
      inputs: page.results.map((r) => ({ id: r.recordId })),
      properties: ['firstname', 'phone', 'hs_timezone', 'fundraising_do_not_call'],
      propertiesWithHistory: [],
    });
    expect(contacts.results).toHaveLength(15);
  });

  it('creates properties idempotently, writes them, logs a call and completes a callback', async () => {
    await hubspot.crm.properties.groupsApi.create('contacts', {
      name: 'sdk_group',
      label: 'SDK group',
      displayOrder: -1,
    });
    await expect(
      hubspot.crm.properties.groupsApi.create('contacts', {
        name: 'sdk_group',
        label: 'SDK group',
        displayOrder: -1,
      }),
    ).rejects.toMatchObject({ code: 409 });
    await hubspot.crm.properties.coreApi.create('contacts', {
      name: 'sdk_outcome',
      label: 'SDK outcome',
      type: 'string' as never,
      fieldType: 'text' as never,
      groupName: 'sdk_group',
    });
    const updated = await hubspot.crm.contacts.batchApi.update({
      inputs: [{ id: '20001', properties: { sdk_outcome: 'pledged' } }],
    });
    expect(updated.results[0]?.properties.sdk_outcome).toBe('pledged');

    const call = await hubspot.crm.objects.calls.basicApi.create({
      properties: {
        hs_timestamp: new Date().toISOString(),
        hs_call_title: 'AI call',
        hs_call_status: 'COMPLETED',
      },
      associations: [
        {
          to: { id: '20001' },
          types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 194 }],
        },
      ],
    });
    expect(call.id).toEqual(expect.any(String));

    await hubspot.automation.actions.callbacksApi.completeBatch({
      inputs: [{ callbackId: 'ap-sdk-1', outputFields: { hs_execution_state: 'SUCCESS' } }],
    });
    const event = await hubspot.apiRequest({
      method: 'POST',
      path: '/integrators/timeline/v4/events',
      body: {
        eventTypeName: 'ae_ai_call',
        objectId: '20001',
        id: 'sdk-1',
        properties: { outcome: 'pledged' },
      },
    });
    expect(event.status).toBe(200);
    expect(sandbox.hubspot.record.callbackCompletions.map((c) => c.callbackId)).toContain('ap-sdk-1');
  });

  it('creates a calls property, logs a call carrying it and finds the call by search', async () => {
    await hubspot.crm.properties.groupsApi.create('calls', { name: 'sdk_calls', label: 'SDK calls' });
    await hubspot.crm.properties.coreApi.create('calls', {
      name: 'sdk_attempt_id',
      label: 'SDK attempt id',
      type: 'string' as never,
      fieldType: 'text' as never,
      groupName: 'sdk_calls',
    });
    const created = await hubspot.crm.objects.calls.batchApi.create({
      inputs: [
        {
          properties: { hs_timestamp: new Date().toISOString(), sdk_attempt_id: 'sdk-attempt-1' },
          associations: [],
          objectWriteTraceId: 'sdk-attempt-1',
        },
      ],
    });
    const found = await hubspot.crm.objects.calls.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'sdk_attempt_id', operator: 'IN' as never, values: ['sdk-attempt-1'] }] },
      ],
      properties: ['sdk_attempt_id'],
      limit: 200,
    });
    expect(found.total).toBe(1);
    expect(found.results[0]?.id).toBe(created.results[0]?.id);
    expect(found.results[0]?.properties.sdk_attempt_id).toBe('sdk-attempt-1');
    expect(found.results[0]?.createdAt).toBeInstanceOf(Date);
  });

  it('exchanges an OAuth code and introspects the token', async () => {
    const redirectUri = 'http://127.0.0.1/oauth/callback';
    const code = sandbox.hubspot.issueAuthCode(sandbox.demoPortal.portalId, redirectUri);
    const anonymous = new HubSpotClient({ basePath: sandbox.hubspot.url });
    const tokens = await anonymous.oauth.tokensApi.create(
      'authorization_code',
      code,
      redirectUri,
      sandbox.secrets.hubspotClientId,
      sandbox.secrets.hubspotClientSecret,
    );
    expect(tokens.expiresIn).toBe(1800);
    const info = await anonymous.oauth.accessTokensApi.get(tokens.accessToken);
    expect(info.hubId).toBe(sandbox.demoPortal.portalId);
  });
});
