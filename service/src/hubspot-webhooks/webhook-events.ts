import { z } from 'zod';
import { AppError } from '../core/app-error.js';

/**
 * HubSpot's webhook batches (webhooks v3, legacy `contact.*` and generic `object.*` subscription types): a JSON
 * array of up to 100 events, each `{eventId, subscriptionId, portalId, appId, occurredAt, subscriptionType,
 * attemptNumber, objectId, propertyName?, propertyValue?, changeSource?, objectTypeId?, ...}`. Parsed liberally:
 * HubSpot adds fields, and subscription types we do not act on are stored and ignored.
 */

/** HubSpot sends at most this many events per request. */
export const MAX_EVENTS_PER_REQUEST = 100;

/** The generic `object.*` subscriptions name the object type by id; contacts are 0-1. */
const CONTACT_OBJECT_TYPE_ID = '0-1';

export type EventKind = 'contact_property_change' | 'contact_deletion' | 'contact_privacy_deletion' | 'other';

/** One event as we store and act on it. */
export interface HubSpotEvent {
  readonly portalId: number;
  readonly eventId: string;
  readonly subscriptionId: string;
  readonly subscriptionType: string;
  readonly kind: EventKind;
  /** The contact (for contact events), as our tables hold HubSpot record ids: text. */
  readonly objectId: string | null;
  readonly propertyName: string | null;
  readonly propertyValue: string | null;
  readonly occurredAtMs: number;
  readonly dedupeKey: string;
  /** The event as received, re-serialised. */
  readonly body: string;
}

/** Ids are numbers in HubSpot's JSON; digits in a string are accepted too (ids beyond 2^53 lose nothing). */
const numericId = z
  .union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,20}$/)], {
    error: 'expected a numeric id',
  })
  .transform(String);

const eventSchema = z.looseObject({
  eventId: numericId,
  subscriptionId: numericId,
  portalId: z
    .union([z.number(), z.string().regex(/^\d{1,16}$/)], { error: 'expected a HubSpot portal id' })
    .transform(Number)
    .pipe(
      z
        .number()
        .int({ error: 'expected a HubSpot portal id' })
        .positive({ error: 'expected a HubSpot portal id' })
        .max(Number.MAX_SAFE_INTEGER, { error: 'expected a HubSpot portal id' }),
    ),
  occurredAt: z
    .number({ error: 'expected milliseconds since the epoch' })
    .int()
    .nonnegative()
    .max(8_640_000_000_000_000),
  subscriptionType: z.string().min(1).max(100),
  attemptNumber: z.number().int().nonnegative().optional(),
  objectId: numericId.optional(),
  objectTypeId: z.string().max(40).optional(),
  propertyName: z.string().min(1).max(200).optional(),
  // HubSpot sends property values as strings; a cleared property may come as "" or null.
  propertyValue: z
    .union([z.string(), z.number(), z.boolean(), z.null()])
    .optional()
    .transform((v) => (v === undefined || v === null ? null : String(v))),
});

/** What an event means for us: which contact event it is, if any. */
export function kindOf(subscriptionType: string, objectTypeId: string | undefined): EventKind {
  const [object, action] = subscriptionType.split('.', 2);
  const isContact = object === 'contact' || (object === 'object' && objectTypeId === CONTACT_OBJECT_TYPE_ID);
  if (!isContact) return 'other';
  switch (action) {
    case 'propertyChange':
      return 'contact_property_change';
    case 'deletion':
      return 'contact_deletion';
    case 'privacyDeletion':
      return 'contact_privacy_deletion';
    default:
      return 'other';
  }
}

/**
 * The events of a request body, or a 400 naming the field at fault (`events[3].portalId`). The whole batch is
 * refused when one event breaks HubSpot's documented shape: that is a contract change to see, not to half-store.
 */
export function parseWebhookBatch(body: unknown): HubSpotEvent[] {
  if (!Array.isArray(body))
    throw AppError.badRequest('body', 'expected a JSON array of HubSpot webhook events');
  if (body.length > MAX_EVENTS_PER_REQUEST) {
    throw AppError.badRequest(
      'events',
      `at most ${MAX_EVENTS_PER_REQUEST} events per request, got ${body.length}`,
    );
  }
  return body.map((raw: unknown, i) => {
    const parsed = eventSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path =
        issue?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') ?? '';
      throw AppError.badRequest(`events[${i}]${path}`, issue?.message ?? 'invalid event');
    }
    const e = parsed.data;
    const kind = kindOf(e.subscriptionType, e.objectTypeId);
    if (kind !== 'other' && e.objectId === undefined)
      throw AppError.badRequest(`events[${i}].objectId`, `required for ${e.subscriptionType}`);
    if (kind === 'contact_property_change' && e.propertyName === undefined)
      throw AppError.badRequest(`events[${i}].propertyName`, `required for ${e.subscriptionType}`);
    return {
      portalId: e.portalId,
      eventId: e.eventId,
      subscriptionId: e.subscriptionId,
      subscriptionType: e.subscriptionType,
      kind,
      objectId: e.objectId ?? null,
      propertyName: e.propertyName ?? null,
      propertyValue: e.propertyValue,
      occurredAtMs: e.occurredAt,
      dedupeKey: [e.portalId, e.subscriptionId, e.eventId, e.objectId ?? '', e.occurredAt].join(':'),
      body: JSON.stringify(raw),
    };
  });
}

/** HubSpot's boolean properties read "true"/"false"; anything but "true" is not a yes (as at import). */
export function isTrueValue(value: string | null): boolean {
  return value?.trim().toLowerCase() === 'true';
}
