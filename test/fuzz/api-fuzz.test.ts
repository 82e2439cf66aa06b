import { afterAll, beforeAll, describe, it } from 'vitest';
import type { EndpointDescriptor } from '../../service/test/api/api-endpoints.js';
import { allApiEndpoints } from '../../service/test/api/api-fixtures.js';
import { stressScaled } from '../helpers/stress.js';
import { apiInputCases } from './api-mutations.js';
import { exportLinkCases, previewLinkCases, signatureCases } from './api-signatures.js';
import { fuzz } from './fuzz-harness.js';
import { type FuzzService, startFuzzService } from './fuzz-service.js';
import { unknownRouteCases } from './unknown-routes.js';

/**
 * Property-based fuzz of the signed /api (every endpoint api-endpoints.ts describes, which api-matrix.test.ts keeps
 * in step with the mounted routes) and of the links the browser opens (CSV export, voice preview). Correctly signed
 * requests with malformed ids, queries and bodies must get a 4xx naming the field; broken signatures a 401; forged
 * links a 403. Never a 5xx, a stack trace, a secret or a phone number, and the database is left as it was.
 */

let t: FuzzService;
let endpoints: EndpointDescriptor[];

const TIMEOUT_MS = stressScaled(180_000, 1_800_000);

beforeAll(async () => {
  t = await startFuzzService();
  endpoints = allApiEndpoints(t);
});
afterAll(async () => {
  await t?.stop();
});

describe('fuzz: the signed /api and its links', () => {
  it(
    'malformed path ids, correctly signed: 4xx',
    async () => {
      await fuzz('api path ids', t.target, apiInputCases(t, endpoints).pathIds, stressScaled(40, 1_000));
    },
    TIMEOUT_MS,
  );

  it(
    'malformed query values, correctly signed: 4xx',
    async () => {
      await fuzz('api queries', t.target, apiInputCases(t, endpoints).queries, stressScaled(40, 1_000));
    },
    TIMEOUT_MS,
  );

  it(
    'malformed bodies (wrong types, junk fields, not JSON, not UTF-8, deep, huge), correctly signed: 4xx',
    async () => {
      await fuzz('api bodies', t.target, apiInputCases(t, endpoints).bodies, stressScaled(100, 2_500));
    },
    TIMEOUT_MS,
  );

  it(
    'missing, forged, stale and tampered signatures, and callers we do not serve: 401',
    async () => {
      await fuzz('api signatures', t.target, signatureCases(t, endpoints), stressScaled(40, 800));
    },
    TIMEOUT_MS,
  );

  it(
    'paths no route serves, under every public prefix, any method: 4xx',
    async () => {
      await fuzz('unknown routes', t.target, unknownRouteCases(t), stressScaled(30, 600));
    },
    TIMEOUT_MS,
  );

  it(
    'forged, tampered and expired export and voice-preview links: 403/404',
    async () => {
      await fuzz('export links', t.target, exportLinkCases(t), stressScaled(20, 400));
      await fuzz('voice-preview links', t.target, previewLinkCases(t), stressScaled(15, 300));
    },
    TIMEOUT_MS,
  );
});
