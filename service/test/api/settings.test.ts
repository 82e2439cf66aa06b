import { DEFAULT_CLASSIFICATION, DEFAULT_PORTAL_DEFAULTS } from '@fundraising/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElevenLabsApiError } from '../../src/elevenlabs/index.js';
import { setDialling } from '../../src/safety/index.js';
import { SANDBOX_AGENTS } from '../../src/sandbox/elevenlabs/catalog.js';
import { checkAgent, portalSettings } from '../../src/settings/index.js';
import { type ApiTestService, startApiTestService } from './api-service.js';

/**
 * The settings endpoints against a sandbox service: connection status, the portal's defaults (saved per portal,
 * validated by the shared schemas), and the agent check against the sandbox agents (the second lacks callback_time).
 */

let t: ApiTestService;
const [springAgent, lapsedAgent] = SANDBOX_AGENTS;

const defaults = {
  timeZone: 'America/Chicago',
  window: { days: [1, 2, 3, 4, 5, 6], start: '10:00', end: '19:30', blackoutDates: ['2026-12-25'] },
  retryPolicy: { no_answer: { delayMinutes: 120, maxAttempts: 4 } },
  maxAttempts: 4,
  consent: { required: false, property: 'donor_ai_consent' },
  doNotCallProperty: 'donor_do_not_call',
};

beforeAll(async () => {
  t = await startApiTestService();
});
afterAll(async () => {
  await t.stop();
});

describe('GET /api/settings', () => {
  it('answers the connections, the built-in defaults and the classifier ids for a portal that saved none', async () => {
    const answer = await t.portalA.get('/api/settings');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      service: {
        connected: true,
        portal: { portalId: t.portalIdA, status: 'connected', statusReason: null },
      },
      dialling: { stopped: false, reason: null, changedBy: null, changedAt: null },
      elevenlabs: { reachable: true },
      defaults: DEFAULT_PORTAL_DEFAULTS,
      defaultsUpdatedAt: null,
      defaultsUpdatedByUserId: null,
      classification: DEFAULT_CLASSIFICATION,
    });
  });

  it('shows the service-wide dialling switch as ops left it: who stopped it, when and why', async () => {
    await setDialling(t.service.engine, { stopped: true, reason: 'ElevenLabs incident', by: 'ops:oncall' });
    try {
      const answer = await t.portalA.get('/api/settings');
      expect(answer.status).toBe(200);
      expect(answer.body.dialling).toEqual({
        stopped: true,
        reason: 'ElevenLabs incident',
        changedBy: 'ops:oncall',
        changedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
    } finally {
      await setDialling(t.service.engine, { stopped: false, by: 'ops:oncall' });
    }
    expect((await t.portalA.get('/api/settings')).body.dialling.stopped).toBe(false);
  });

  it('reports ElevenLabs unreachable with its reason instead of failing', async () => {
    const failing = {
      ...t.service.engine,
      elevenlabs: {
        ...t.service.engine.elevenlabs,
        listPhoneNumbers: () =>
          Promise.reject(
            new ElevenLabsApiError({ failure: 'http', status: 401, message: 'invalid api key' }),
          ),
      },
    };
    const view = await portalSettings(failing, t.portalIdA);
    expect(view.elevenlabs.reachable).toBe(false);
    expect(view.elevenlabs.message).toContain('invalid api key');
  });
});

describe('PUT /api/settings', () => {
  it('saves the defaults per portal, with who saved them; the other portal keeps its own', async () => {
    const saved = await t.portalA.put('/api/settings', { defaults });
    expect(saved.status).toBe(200);
    expect(saved.body.defaults).toEqual(defaults);
    expect(saved.body.defaultsUpdatedByUserId).toBe(7001);
    expect(saved.body.defaultsUpdatedAt).toBe(new Date(t.clock.now()).toISOString());

    expect((await t.portalA.get('/api/settings')).body.defaults).toEqual(defaults);
    expect((await t.portalB.get('/api/settings')).body.defaults).toEqual(DEFAULT_PORTAL_DEFAULTS);

    const again = await t.portalA.put('/api/settings', { defaults: { ...defaults, maxAttempts: 2 } });
    expect(again.body.defaults.maxAttempts).toBe(2);
    const rows = await t.db.pool.query('SELECT portal_id FROM portal_settings');
    expect(rows.rowCount).toBe(1);
  });

  it('answers 400 naming the field, and saves nothing', async () => {
    const before = (await t.portalB.get('/api/settings')).body.defaults;
    const bad = await t.portalB.put('/api/settings', { defaults: { ...defaults, timeZone: 'Mars/Base' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('defaults.timeZone');
    expect(bad.body.error.message).toContain('IANA time zone');
    expect((await t.portalB.get('/api/settings')).body.defaults).toEqual(before);
  });
});

describe('POST /api/elevenlabs/agents/:agentId/check', () => {
  it('finds every classifier id on an agent set up as the README says (declined as an evaluation criterion)', async () => {
    const answer = await t.portalA.post(`/api/elevenlabs/agents/${springAgent!.agentId}/check`, {});
    expect(answer.status).toBe(200);
    expect(answer.body.missing).toEqual([]);
    expect(answer.body.ids).toContainEqual({ id: 'declined', foundIn: 'evaluation_criteria' });
    expect(answer.body.ids).toContainEqual({ id: 'pledge_amount', foundIn: 'data_collection' });
  });

  it('names the id an agent lacks', async () => {
    const answer = await t.portalA.post(`/api/elevenlabs/agents/${lapsedAgent!.agentId}/check`, {});
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ agentName: lapsedAgent!.name, missing: ['callback_time'] });
    expect(answer.body.ids).toContainEqual({ id: 'voicemail', foundIn: 'evaluation_criteria' });
  });

  it('checks the ids asked for', async () => {
    const answer = await t.portalA.post(`/api/elevenlabs/agents/${lapsedAgent!.agentId}/check`, {
      dataCollectionIds: ['pledge_amount', 'gift_aid'],
    });
    expect(answer.body.missing).toEqual(['gift_aid']);
  });

  it('answers 400 naming agentId for an agent ElevenLabs does not have', async () => {
    const answer = await t.portalA.post('/api/elevenlabs/agents/agent_nope/check', {});
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe('agentId');
  });

  it('reads the agent through the ElevenLabs client (the use case over a stub)', async () => {
    const result = await checkAgent(
      {
        elevenlabs: {
          ...t.service.engine.elevenlabs,
          getAgent: async (agentId) => ({
            agentId,
            name: 'Stub',
            voiceId: null,
            firstMessage: null,
            language: null,
            allowsFirstMessageOverride: false,
            dataCollectionIds: ['pledge_amount'],
            evaluationCriteriaIds: [],
          }),
        },
      },
      'agent_stub',
      ['pledge_amount', 'pledge_amount', 'voicemail'],
    );
    expect(result.ids).toEqual([
      { id: 'pledge_amount', foundIn: 'data_collection' },
      { id: 'voicemail', foundIn: null },
    ]);
    expect(result.missing).toEqual(['voicemail']);
  });
});
