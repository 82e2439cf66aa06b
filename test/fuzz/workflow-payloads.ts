import { PLACE_CALL_ACTION_PATHS } from '@fundraising/shared';
import fc from 'fast-check';
import type { FuzzRequest } from './fuzz-harness.js';
import type { FuzzService } from './fuzz-service.js';
import { anyJson, contentType, nastyString, notJsonText } from './junk.js';
import {
  type Breakage,
  broken,
  hubspotSigned,
  type Json,
  longerThan,
  notInt,
  notObject,
  notPositiveInt,
  notString,
  REMOVE,
  wholeBodies,
  withNul,
} from './payload-breakage.js';

/** Malformed executions of the "Place AI call" workflow action and of its campaign dropdown's options request. */

export function validExecution(t: FuzzService): Json {
  return {
    callbackId: 'fuzz-callback-0001',
    origin: { portalId: t.portalIdA, actionDefinitionId: 1, actionDefinitionVersion: 1 },
    context: { source: 'WORKFLOWS', workflowId: 42 },
    object: { objectId: 20001, objectType: 'CONTACT' },
    inputFields: { campaign_id: t.own.campaignIds.active, dynamic_variables: '{"appeal":"winter"}' },
  };
}

const badVariables = fc.oneof(
  notString.filter((v) => v !== null),
  longerThan(20_000),
  notJsonText.filter((s) => s.trim() !== ''),
  fc
    .oneof(
      fc.array(anyJson),
      fc.integer(),
      nastyString.map((s) => JSON.stringify(s)),
      fc.constant('null'),
    )
    .map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
  fc
    .integer({ min: 51, max: 120 })
    .map((n) => JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`v${i}`, 'x'])))),
  fc.constantFrom('Appeal', '1x', 'a-b', '', 'a b', 'ä').map((name) => JSON.stringify({ [name]: 'x' })),
  fc
    .oneof(fc.array(anyJson), fc.dictionary(nastyString, anyJson), fc.constant(null))
    .map((v) => JSON.stringify({ appeal: v })),
  fc.constant(JSON.stringify({ appeal: 'x'.repeat(1_001) })),
  withNul.map((v) => JSON.stringify({ appeal: v })),
);

const EXECUTION_BREAKAGES: readonly Breakage[] = [
  {
    path: ['callbackId'],
    value: fc.oneof(fc.constant(REMOVE), fc.constant(''), notString, longerThan(200), withNul),
  },
  { path: ['origin'], value: fc.oneof(fc.constant(REMOVE), notObject) },
  { path: ['origin', 'portalId'], value: fc.oneof(fc.constant(REMOVE), notPositiveInt) },
  { path: ['origin', 'actionDefinitionId'], value: notInt.filter((v) => v !== null) },
  { path: ['context'], value: notObject.filter((v) => v !== null) },
  { path: ['context', 'workflowId'], value: notInt.filter((v) => v !== null) },
  { path: ['context', 'source'], value: notString.filter((v) => v !== null) },
  { path: ['object'], value: fc.oneof(fc.constant(REMOVE), notObject) },
  {
    path: ['object', 'objectId'],
    value: fc.oneof(
      fc.constant(REMOVE),
      notPositiveInt.filter((v) => typeof v !== 'string' || !/^[1-9]\d{0,18}$/.test(v)),
      fc.constantFrom('0123', '', '12345678901234567890'),
    ),
  },
  {
    path: ['object', 'objectType'],
    value: fc.oneof(
      fc.constant(REMOVE),
      notString,
      nastyString.filter((s) => s !== 'CONTACT'),
    ),
  },
  { path: ['inputFields'], value: fc.oneof(fc.constant(REMOVE), notObject) },
  {
    path: ['inputFields', 'campaign_id'],
    value: fc.oneof(fc.constant(REMOVE), fc.constantFrom('', '   ', '\n'), notString, withNul),
  },
  { path: ['inputFields', 'dynamic_variables'], value: badVariables },
];

export function validOptionsRequest(t: FuzzService): Json {
  return {
    origin: { portalId: t.portalIdA },
    inputFieldName: 'campaign_id',
    inputFields: {},
    fetchOptions: { q: 'spring', after: '0' },
  };
}

const OPTIONS_BREAKAGES: readonly Breakage[] = [
  { path: ['origin'], value: fc.oneof(fc.constant(REMOVE), notObject) },
  { path: ['origin', 'portalId'], value: fc.oneof(fc.constant(REMOVE), notPositiveInt) },
  { path: ['inputFieldName'], value: notString.filter((v) => v !== null) },
  { path: ['inputFields'], value: fc.oneof(nastyString, fc.integer(), fc.boolean()) },
  { path: ['fetchOptions'], value: notObject.filter((v) => v !== null) },
  {
    path: ['fetchOptions', 'q'],
    value: fc.oneof(
      notString.filter((v) => v !== null),
      longerThan(200),
      withNul,
    ),
  },
  {
    path: ['fetchOptions', 'after'],
    value: fc.oneof(
      notString.filter((v) => v !== null),
      longerThan(200),
      withNul,
    ),
  },
];

const nonObjectBody = fc.oneof(
  fc.array(anyJson, { maxLength: 3 }),
  nastyString,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);

function signedCases(
  t: FuzzService,
  path: string,
  valid: Json,
  breakages: readonly Breakage[],
  versions: readonly ('v2' | 'v3')[],
) {
  const bodies = fc.oneof(
    {
      weight: 3,
      arbitrary: broken(valid, breakages).map(({ what, body }) => ({
        what,
        raw: Buffer.from(JSON.stringify(body)),
      })),
    },
    { weight: 1, arbitrary: wholeBodies(JSON.stringify(valid), nonObjectBody) },
  );
  return fc
    .tuple(bodies, fc.constantFrom(...versions), contentType)
    .map(([{ what, raw }, version, type]) => ({
      label: `POST ${path}: ${what} (signed ${version})`,
      ...hubspotSigned(t, path, raw, version, type),
    }));
}

export function workflowActionCases(t: FuzzService): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    signedCases(t, PLACE_CALL_ACTION_PATHS.actionUrl, validExecution(t), EXECUTION_BREAKAGES, ['v2', 'v3']),
    signedCases(t, PLACE_CALL_ACTION_PATHS.campaignOptionsUrl, validOptionsRequest(t), OPTIONS_BREAKAGES, [
      'v2',
      'v3',
    ]),
  );
}
