import { afterAll, beforeAll, describe, it } from 'vitest';
import { stressScaled } from '../helpers/stress.js';
import { badSignatureCases, malformedEnvelopeCases } from './elevenlabs-payloads.js';
import { fuzz } from './fuzz-harness.js';
import { type FuzzService, startFuzzService } from './fuzz-service.js';
import { diallingCases, redriveCases, wrongLoginCases } from './ops-payloads.js';

/**
 * Property-based fuzz of ElevenLabs' post-call webhooks and of the ops surface. Correctly signed bodies that are not
 * a webhook envelope: 400; bad signatures on any body: 401; nothing stored either way. /ops/* and /metrics without
 * the right login: 401 (429 once locked out); logged in, a malformed dialling switch or a redrive that must not
 * happen: 4xx, and nothing changed. Never a 5xx, a stack trace, a secret or a phone number.
 */

let t: FuzzService;
const TIMEOUT_MS = stressScaled(180_000, 1_800_000);

beforeAll(async () => {
  t = await startFuzzService();
});
afterAll(async () => {
  await t?.stop();
});

describe('fuzz: ElevenLabs webhooks and the ops surface', () => {
  it(
    'correctly signed ElevenLabs webhooks that are not an envelope: 400',
    async () => {
      await fuzz('elevenlabs envelopes', t.target, malformedEnvelopeCases(t), stressScaled(60, 1_500));
    },
    TIMEOUT_MS,
  );

  it(
    'ElevenLabs webhooks with missing, forged, stale, future or wrong signatures: 401',
    async () => {
      await fuzz('elevenlabs signatures', t.target, badSignatureCases(t), stressScaled(40, 1_000));
    },
    TIMEOUT_MS,
  );

  it(
    '/ops/* and /metrics without the right login, from many addresses: 401 (429 when locked out)',
    async () => {
      await fuzz('ops logins', t.target, wrongLoginCases(t), stressScaled(50, 1_200));
    },
    TIMEOUT_MS,
  );

  it(
    'logged in: malformed dialling switches and redrives that must not happen: 4xx',
    async () => {
      await fuzz('ops dialling', t.target, diallingCases(t), stressScaled(50, 1_200));
      await fuzz('ops redrive', t.target, redriveCases(t), stressScaled(25, 600));
    },
    TIMEOUT_MS,
  );
});
