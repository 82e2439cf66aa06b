import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUpstream } from '../../src/api/upstream.js';
import { AppError } from '../../src/core/app-error.js';
import { ElevenLabsApiError } from '../../src/elevenlabs/index.js';
import { HubSpotApiError } from '../../src/hubspot/index.js';
import { SANDBOX_AGENTS } from '../../src/sandbox/elevenlabs/catalog.js';
import { type ApiTestService, startApiTestService } from './api-service.js';

let t: ApiTestService;

beforeAll(async () => {
  t = await startApiTestService();
});
afterAll(async () => {
  await t.stop();
});

describe('what a campaign is built from', () => {
  it("searches the portal's contact lists by name, a page at a time", async () => {
    const lapsed = await t.portalA.get('/api/hubspot/lists?query=LAPSED');
    expect(lapsed.status).toBe(200);
    expect(lapsed.body).toEqual({
      items: [{ listId: '103', name: 'Lapsed donors (100k)', processingType: 'MANUAL', size: 100_000 }],
      nextOffset: 1,
      hasMore: false,
    });

    const first = await t.portalA.get('/api/hubspot/lists?count=1');
    expect(first.body).toMatchObject({ nextOffset: 1, hasMore: true });
    expect(first.body.items).toHaveLength(1);
    const second = await t.portalA.get(`/api/hubspot/lists?count=1&offset=${first.body.nextOffset}`);
    expect(second.body.items[0].listId).not.toBe(first.body.items[0].listId);

    expect((await t.portalA.get('/api/hubspot/lists?query=no%20such%20list')).body).toEqual({
      items: [],
      nextOffset: 0,
      hasMore: false,
    });
  });

  it('lists the agents with their voice, their own first message and whether a campaign may replace it', async () => {
    const answer = await t.portalA.get('/api/elevenlabs/agents');
    expect(answer.status).toBe(200);
    expect(answer.body.items).toEqual([
      {
        agentId: SANDBOX_AGENTS[0]?.agentId,
        name: 'Spring Appeal Caller (sandbox)',
        tags: ['fundraising', 'sandbox'],
        voice: { voiceId: 'sbxVoiceAva000000001', name: 'Ava (sandbox)' },
        firstMessage: SANDBOX_AGENTS[0]?.firstMessage,
        language: 'en',
        allowsFirstMessageOverride: true,
        lastCallAt: null,
      },
      {
        agentId: SANDBOX_AGENTS[1]?.agentId,
        name: 'Lapsed Donor Reactivation (sandbox)',
        tags: ['fundraising', 'reactivation', 'sandbox'],
        voice: { voiceId: 'sbxVoiceLeo000000002', name: 'Leo (sandbox)' },
        firstMessage: SANDBOX_AGENTS[1]?.firstMessage,
        language: 'en',
        allowsFirstMessageOverride: false,
        lastCallAt: null,
      },
    ]);
  });

  it('lists the caller numbers with their provider, and the voices', async () => {
    const numbers = await t.portalA.get('/api/elevenlabs/phone-numbers');
    expect(numbers.status).toBe(200);
    expect(numbers.body.items).toEqual([
      expect.objectContaining({ phoneNumberId: t.demo.phoneNumberId, provider: 'twilio', canDialOut: true }),
      expect.objectContaining({ phoneNumber: '+16175550101', provider: 'sip_trunk', canDialOut: true }),
    ]);
    const voices = await t.portalA.get('/api/elevenlabs/voices');
    expect(voices.body.items.map((v: { name: string }) => v.name)).toEqual([
      'Ava (sandbox)',
      'Leo (sandbox)',
      'Mia (sandbox)',
    ]);
    expect(voices.body.items[0]).toMatchObject({ category: 'premade', labels: { accent: 'american' } });
  });

  it('names the field of a bad list search', async () => {
    for (const [query, field] of [
      ['count=0', 'count'],
      ['count=101', 'count'],
      ['offset=-1', 'offset'],
      ['offset=two', 'offset'],
      [`query=${'x'.repeat(201)}`, 'query'],
    ] as const) {
      const answer = await t.portalA.get(`/api/hubspot/lists?${query}`);
      expect({ query, status: answer.status, field: answer.body.error.field }).toEqual({
        query,
        status: 400,
        field,
      });
    }
  });
});

describe('a request the other system fails', () => {
  it('is a 502 naming the system; errors of our own pass through', async () => {
    const elevenlabs = new ElevenLabsApiError({
      status: 503,
      failure: 'http',
      message: 'GET /v1/voices: busy',
    });
    const hubspot = new HubSpotApiError({
      status: 0,
      category: 'NETWORK_ERROR',
      message: 'socket hang up',
      method: 'POST',
      path: '/crm/v3/lists/search',
    });
    await expect(fromUpstream(() => Promise.reject(elevenlabs))).rejects.toMatchObject({
      status: 502,
      code: 'upstream_unavailable',
      message: 'ElevenLabs could not be reached or refused the request: GET /v1/voices: busy',
    });
    await expect(fromUpstream(() => Promise.reject(hubspot))).rejects.toMatchObject({
      status: 502,
      message: expect.stringMatching(/^HubSpot could not be reached/),
    });
    const ours = AppError.badRequest('query', 'bad');
    await expect(fromUpstream(() => Promise.reject(ours))).rejects.toBe(ours);
  });
});
