import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TUESDAY_AFTERNOON_NY } from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { ManualClock } from '../../../test/helpers/engine.js';
import { sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { signedApi, tableCounts } from '../../../test/helpers/signed-api.js';
import { type RunningService, startService } from '../../src/runtime.js';
import { sendSignedCall } from '../../src/sandbox/hubspot/signed-calls.js';
import { MAX_LIVE_PREVIEWS_PER_PORTAL, PREVIEW_TTL_MS } from '../../src/voice-previews/index.js';

/**
 * POST /api/voices/:voiceId/preview (signed, from the card) and the link it returns (opened by a browser, no
 * HubSpot signature), against a sandbox service whose fake ElevenLabs answers text-to-speech with a short MP3.
 * The manual clock decides when links expire.
 */

let db: TestDatabase;
let service: RunningService;
const clock = new ManualClock(TUESDAY_AFTERNOON_NY);
let portalA: ReturnType<typeof signedApi>;
const VOICE = 'sbxVoiceAva000000001';

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db),
    logger: silentLogger,
    clock,
    startDispatcher: false,
    workers: [],
  });
  portalA = signedApi(service, service.integrations.sandbox!.demoPortal.portalId);
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

const open = async (url: string) => {
  const response = await fetch(url);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: Buffer.from(await response.arrayBuffer()),
  };
};
const previewRows = async () =>
  Number((await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM voice_previews')).rows[0]?.n);

describe('voice previews', () => {
  it('returns a short-lived link that plays the line as audio/mpeg, and plays again while it lives', async () => {
    const made = await portalA.post(`/api/voices/${VOICE}/preview`, { text: 'Hi Maria, this is Ava.' });
    expect(made.status).toBe(201);
    expect(made.body.url).toMatch(
      new RegExp(`^${service.url}/voice-preview/[0-9a-f-]{36}\\?expires=\\d+&sig=[A-Za-z0-9_-]{43}$`),
    );
    expect(Date.parse(made.body.expiresAt) - clock.now()).toBeGreaterThan(PREVIEW_TTL_MS - 1000);
    expect(Date.parse(made.body.expiresAt) - clock.now()).toBeLessThanOrEqual(PREVIEW_TTL_MS);

    const first = await open(made.body.url);
    expect(first.status).toBe(200);
    expect(first.type).toBe('audio/mpeg');
    expect(first.body.length).toBeGreaterThan(0);
    const again = await open(made.body.url);
    expect(again).toEqual(first);
  });

  it('rejects a link whose id, expiry or signature was changed, with a plain message', async () => {
    const made = await portalA.post(`/api/voices/${VOICE}/preview`, { text: 'Tampering test' });
    const url = new URL(made.body.url);
    const expires = Number(url.searchParams.get('expires'));
    const sig = url.searchParams.get('sig')!;
    const tampered = {
      'later expiry': made.body.url.replace(`expires=${expires}`, `expires=${expires + 3600}`),
      'other signature': made.body.url.replace(sig, `${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`),
      'no signature': made.body.url.replace(/&sig=.*$/, ''),
      'other id': made.body.url.replace(
        /voice-preview\/[0-9a-f]/,
        (m: string) => `${m.slice(0, -1)}${m.endsWith('0') ? '1' : '0'}`,
      ),
      'not an id': made.body.url.replace(/voice-preview\/[0-9a-f-]{36}/, 'voice-preview/not-a-preview'),
    };
    for (const [name, link] of Object.entries(tampered)) {
      const answer = await open(link);
      expect({ name, status: answer.status, type: answer.type }).toEqual({
        name,
        status: 403,
        type: 'text/plain; charset=utf-8',
      });
      expect(answer.body.toString()).toBe('This voice preview link is not valid.');
    }
    expect((await open(made.body.url)).status).toBe(200);
  });

  it('rejects the link once it has expired, and deletes the expired audio', async () => {
    const made = await portalA.post(`/api/voices/${VOICE}/preview`, { text: 'Expiry test' });
    clock.set(Date.parse(made.body.expiresAt) - 1000);
    expect((await open(made.body.url)).status).toBe(200);
    clock.set(Date.parse(made.body.expiresAt));
    const expired = await open(made.body.url);
    expect(expired.status).toBe(403);
    expect(expired.body.toString()).toContain('expired');
    expect(await previewRows()).toBe(0);
    clock.set(TUESDAY_AFTERNOON_NY);
  });

  it('serves the same line in the same voice from the stored sample while it has time left', async () => {
    const first = await portalA.post(`/api/voices/${VOICE}/preview`, { text: 'Say it twice' });
    const second = await portalA.post(`/api/voices/${VOICE}/preview`, { text: '  Say it twice ' });
    expect(second.body).toEqual(first.body);
    const other = await portalA.post('/api/voices/sbxVoiceLeo000000002/preview', { text: 'Say it twice' });
    expect(other.body.url).not.toBe(first.body.url);
  });

  it('answers 400 naming voiceId for a voice ElevenLabs does not have, and 400 naming text for a bad line, storing nothing', async () => {
    const before = await tableCounts(service);
    const cases: [string, Promise<{ status: number; body: { error: { field?: string } } }>][] = [
      ['voiceId', portalA.post('/api/voices/noSuchVoice123/preview', { text: 'Hello' })],
      ['voiceId', portalA.post('/api/voices/bad%20voice/preview', { text: 'Hello' })],
      ['text', portalA.post(`/api/voices/${VOICE}/preview`, { text: 'x'.repeat(301) })],
      ['text', portalA.post(`/api/voices/${VOICE}/preview`, { text: '   ' })],
      ['text', portalA.post(`/api/voices/${VOICE}/preview`, {})],
      ['text', portalA.send(portalA.sign('POST', `/api/voices/${VOICE}/preview`))],
    ];
    for (const [field, pending] of cases) {
      const answer = await pending;
      expect({ field, status: answer.status, named: answer.body.error.field }).toEqual({
        field,
        status: 400,
        named: field,
      });
    }
    expect(await tableCounts(service)).toEqual(before);
  });

  it('takes 300 characters exactly', async () => {
    const answer = await portalA.post(`/api/voices/${VOICE}/preview`, { text: 'y'.repeat(300) });
    expect(answer.status).toBe(201);
  });

  it('answers 401 to an unsigned or tampered request for a link, and makes none', async () => {
    const good = portalA.sign('POST', `/api/voices/${VOICE}/preview`, { text: 'Signed only' });
    const before = await tableCounts(service);
    const unsigned = { ...good, headers: { ...good.headers, 'X-HubSpot-Signature-v3': 'AAAA' } };
    const otherText = { ...good, body: good.body.replace('Signed only', 'Signed onlY') };
    for (const call of [unsigned, otherText]) {
      const answer = await sendSignedCall(call);
      expect(answer.status).toBe(401);
    }
    expect(await tableCounts(service)).toEqual(before);
  });

  it('limits how many previews a portal keeps alive at once', async () => {
    await db.pool.query('DELETE FROM voice_previews');
    for (let i = 0; i < MAX_LIVE_PREVIEWS_PER_PORTAL; i++) {
      expect((await portalA.post(`/api/voices/${VOICE}/preview`, { text: `line ${i}` })).status).toBe(201);
    }
    const over = await portalA.post(`/api/voices/${VOICE}/preview`, { text: 'one too many' });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('too_many_previews');
    clock.advance(PREVIEW_TTL_MS);
    expect((await portalA.post(`/api/voices/${VOICE}/preview`, { text: 'one too many' })).status).toBe(201);
    expect(await previewRows()).toBe(1);
    clock.set(TUESDAY_AFTERNOON_NY);
  });
});
