import { PLACE_CALL_ACTION_PATHS } from '@fundraising/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { signHubSpotRequestV2, signHubSpotRequestV3 } from '../../service/src/hubspot/index.js';
import { stressScaled } from '../helpers/stress.js';
import { type FuzzRequest, fuzz } from './fuzz-harness.js';
import { type FuzzService, startFuzzService } from './fuzz-service.js';
import { nastyString } from './junk.js';
import { longerThan } from './payload-breakage.js';
import { validEvent, webhookCases } from './webhook-payloads.js';
import { validExecution, validOptionsRequest, workflowActionCases } from './workflow-payloads.js';

/**
 * Property-based fuzz of what HubSpot calls: the workflow action's execution and options URLs, the webhook
 * endpoint, and the OAuth callback a browser lands on. Correctly signed malformed payloads must get a 400 naming
 * the field; unsigned or wrongly signed ones a 401; a callback with any code, state or error a 400 page. Nothing is
 * stored (no enrolment, no event, no portal), nothing leaks, and the service stays up.
 */

let t: FuzzService;
const TIMEOUT_MS = stressScaled(180_000, 1_800_000);

beforeAll(async () => {
  t = await startFuzzService();
});
afterAll(async () => {
  await t?.stop();
});

/** A valid payload for each signed HubSpot route, sent unsigned or signed wrongly: 401 whatever it says. */
function badlySignedCases(): fc.Arbitrary<FuzzRequest> {
  const routes = [
    { path: PLACE_CALL_ACTION_PATHS.actionUrl, body: JSON.stringify(validExecution(t)) },
    { path: PLACE_CALL_ACTION_PATHS.campaignOptionsUrl, body: JSON.stringify(validOptionsRequest(t)) },
    { path: '/webhooks/hubspot', body: JSON.stringify([validEvent(t, 0)]) },
  ];
  const ascii = fc.string({ unit: 'grapheme-ascii', maxLength: 80 });
  const headers = fc.oneof(
    fc.constant(() => ({})),
    fc.record({ sig: ascii, ts: ascii }).map(({ sig, ts }) => () => ({
      'X-HubSpot-Signature-v3': sig,
      'X-HubSpot-Request-Timestamp': ts,
    })),
    fc
      .record({ sig: ascii, version: fc.constantFrom('v1', 'v2', 'V2', 'v3', '') })
      .map(({ sig, version }) => () => ({
        'X-HubSpot-Signature': sig,
        'X-HubSpot-Signature-Version': version,
      })),
    nastyString
      .filter((s) => s.replaceAll('\u0000', '') !== '')
      .map(
        (extra) => (uri: string, body: string) =>
          signHubSpotRequestV3({
            method: 'POST',
            uri,
            rawBody: body,
            clientSecret: `${t.clientSecret}${extra}`,
            timestampMs: t.clock.now(),
          }),
      ),
    fc.integer({ min: 300_001, max: 1e11 }).map(
      (off) => (uri: string, body: string) =>
        signHubSpotRequestV3({
          method: 'POST',
          uri,
          rawBody: body,
          clientSecret: t.clientSecret,
          timestampMs: t.clock.now() - off,
        }),
    ),
    // v2 over other bytes than were sent (the body changed on the way).
    fc.constant((uri: string, body: string) =>
      signHubSpotRequestV2({ method: 'POST', uri, rawBody: `${body} `, clientSecret: t.clientSecret }),
    ),
  );
  return fc.tuple(fc.constantFrom(...routes), headers).map(([route, sign]) => {
    const uri = `${t.service.url}${route.path}`;
    return {
      label: `POST ${route.path}: badly signed`,
      method: 'POST',
      url: uri,
      headers: { ...sign(uri, route.body), 'content-type': 'application/json' },
      body: Buffer.from(route.body),
      expect: [401],
    };
  });
}

/** The consent page's return with any code, state and error (none of our states): a 400 page, no portal. */
function oauthCallbackCases(): fc.Arbitrary<FuzzRequest> {
  const value = fc.oneof(
    { weight: 4, arbitrary: nastyString },
    { weight: 1, arbitrary: longerThan(2_048) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  );
  const name = fc.constantFrom('code', 'state', 'error', 'error_description');
  const params = fc.record({
    code: fc.option(value),
    state: fc.option(value),
    error: fc.option(value),
    error_description: fc.option(value),
    // Now and then a parameter given twice (the callback then refuses the whole query before looking at it).
    again: fc.oneof(
      { weight: 4, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.tuple(name, value) },
    ),
  });
  return params.map(({ again, ...one }) => {
    const pairs = Object.entries(one).flatMap(([n, v]) => (v === null ? [] : [[n, v] as [string, string]]));
    if (again) pairs.push(again);
    const query = new URLSearchParams(pairs);
    return {
      label: `GET /oauth/callback with ${pairs.map(([n]) => n).join(', ') || 'nothing'}`,
      method: 'GET',
      url: `${t.service.url}/oauth/callback?${query}`,
      headers: {},
      expect: [400],
    };
  });
}

describe('fuzz: workflow actions, HubSpot webhooks, the OAuth callback', () => {
  it(
    'malformed workflow-action executions and option requests, signed v2 or v3: 400',
    async () => {
      await fuzz('workflow actions', t.target, workflowActionCases(t), stressScaled(80, 2_000));
    },
    TIMEOUT_MS,
  );

  it(
    'malformed HubSpot webhook batches, signed: 400',
    async () => {
      await fuzz('hubspot webhooks', t.target, webhookCases(t), stressScaled(70, 1_500));
    },
    TIMEOUT_MS,
  );

  it(
    'unsigned and wrongly signed workflow actions and webhooks: 401',
    async () => {
      await fuzz('hubspot signatures', t.target, badlySignedCases(), stressScaled(30, 800));
    },
    TIMEOUT_MS,
  );

  it(
    'OAuth callbacks with random code, state and error: a 400 page, no portal',
    async () => {
      await fuzz('oauth callback', t.target, oauthCallbackCases(), stressScaled(40, 800));
    },
    TIMEOUT_MS,
  );
});
