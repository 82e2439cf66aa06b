import fc from 'fast-check';
import type { FuzzRequest } from './fuzz-harness.js';
import type { FuzzService } from './fuzz-service.js';
import { anyJson, contentType, nastyString } from './junk.js';
import {
  type Breakage,
  broken,
  hubspotSigned,
  type Json,
  longerThan,
  notInt,
  notPositiveInt,
  notString,
  REMOVE,
  wholeBodies,
  withNul,
} from './payload-breakage.js';

/** Malformed HubSpot webhook batches: one event of a batch broken, too many events, or a body wrong as a whole. */

export function validEvent(t: FuzzService, i: number): Json {
  return {
    eventId: 7_000 + i,
    subscriptionId: 2_001,
    portalId: t.portalIdA,
    appId: 1_000_001,
    occurredAt: t.clock.now() - 1_000,
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: 20_001 + i,
    propertyName: 'fundraising_do_not_call',
    propertyValue: 'true',
    changeSource: 'CRM',
  };
}

const badId = fc.oneof(
  fc.constant(REMOVE),
  nastyString.filter((s) => !/^\d{1,20}$/.test(s)),
  fc.constantFrom('123456789012345678901', -1, 1.5, 2 ** 60),
  fc.boolean(),
  fc.constant(null),
);

const EVENT_BREAKAGES: readonly Breakage[] = [
  { path: ['eventId'], value: badId },
  { path: ['subscriptionId'], value: badId },
  {
    path: ['portalId'],
    // Digits in a string are a portal id too: only those that are not one.
    value: fc.oneof(
      fc.constant(REMOVE),
      notPositiveInt.filter((v) => typeof v !== 'string' || !/^\d{1,16}$/.test(v)),
      fc.constantFrom('0', '', '12345678901234567'),
    ),
  },
  {
    path: ['occurredAt'],
    value: fc.oneof(
      fc.constant(REMOVE),
      notInt,
      fc.integer({ min: -1e9, max: -1 }),
      fc.constant(8_640_000_000_000_001),
    ),
  },
  {
    path: ['subscriptionType'],
    value: fc.oneof(
      fc.constant(REMOVE),
      fc.constant(''),
      longerThan(100),
      notString,
      withNul.map((s) => `contact.${s}`),
    ),
  },
  {
    path: ['attemptNumber'],
    value: fc.oneof(
      notInt.filter((v) => v !== null),
      fc.integer({ min: -1e6, max: -1 }),
    ),
  },
  // A property change names its contact and property.
  { path: ['objectId'], value: badId },
  {
    path: ['objectTypeId'],
    value: fc.oneof(
      longerThan(40),
      notString.filter((v) => v !== null),
    ),
  },
  {
    path: ['propertyName'],
    value: fc.oneof(fc.constant(REMOVE), fc.constant(''), longerThan(200), notString, withNul),
  },
  {
    path: ['propertyValue'],
    value: fc.oneof(fc.array(anyJson), fc.dictionary(nastyString, anyJson), withNul),
  },
];

export function webhookCases(t: FuzzService): fc.Arbitrary<FuzzRequest> {
  const batch = fc
    .tuple(fc.integer({ min: 1, max: 5 }), fc.nat(), broken(validEvent(t, 0), EVENT_BREAKAGES))
    .map(([n, at, { what, body }]) => {
      const events = Array.from({ length: n }, (_, i) => validEvent(t, i + 1));
      events.splice(at % (n + 1), 0, body);
      return { what: `an event's ${what}`, raw: Buffer.from(JSON.stringify(events)) };
    });
  const tooMany = fc.integer({ min: 101, max: 300 }).map((n) => ({
    what: `${n} events`,
    raw: Buffer.from(JSON.stringify(Array.from({ length: n }, (_, i) => validEvent(t, i)))),
  }));
  const nonArray = fc.oneof(
    fc.dictionary(nastyString, anyJson),
    nastyString,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
  );
  const bodies = fc.oneof(
    { weight: 4, arbitrary: batch },
    { weight: 1, arbitrary: tooMany },
    { weight: 2, arbitrary: wholeBodies(JSON.stringify([validEvent(t, 0)]), nonArray) },
  );
  return fc.tuple(bodies, contentType).map(([{ what, raw }, type]) => ({
    label: `POST /webhooks/hubspot: ${what}`,
    ...hubspotSigned(t, '/webhooks/hubspot', raw, 'v3', type),
  }));
}
