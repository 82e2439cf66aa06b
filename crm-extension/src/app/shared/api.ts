import { z } from 'zod';
import {
  CAMPAIGN_STATUSES,
  callingWindowSchema,
  createCampaignSchema,
  retryPolicySchema,
} from './campaign.js';

/**
 * The signed API the HubSpot extension calls (`/api/...` through `hubspot.fetch`): request and response shapes,
 * shared by the service (which parses requests with them) and the extension (which types and checks answers).
 * HubSpot's proxy adds portalId, userId, userEmail and appId to every query string: query schemas here leave
 * unknown keys alone.
 */

/** Every error the API answers, whatever the status. `field` names the input at fault on a 400. */
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
  requestId: z.string(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** Offset paging for our own tables: `limit` rows from `offset`. */
export const pageQuerySchema = z.object({
  offset: z.coerce
    .number({ error: 'expected a whole number' })
    .int({ error: 'expected a whole number' })
    .min(0, { error: 'expected 0 or more' })
    .max(10_000_000)
    .default(0),
  limit: z.coerce
    .number({ error: 'expected a whole number' })
    .int({ error: 'expected a whole number' })
    .min(1, { error: 'expected 1 to 200' })
    .max(200, { error: 'expected 1 to 200' })
    .default(50),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

/** A page of items; `total` counts every item matching the filter. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    offset: z.number().int(),
    limit: z.number().int(),
  });

/** Keys that make a retried create a no-op: any string a client generates once per user action (a UUID). */
export const idempotencyKeySchema = z
  .string({ error: 'expected an idempotency key (e.g. a UUID made once per click)' })
  .min(8, { error: 'expected at least 8 characters' })
  .max(200, { error: 'expected at most 200 characters' });

/** POST /api/campaigns: the campaign and the request's idempotency key. */
export const createCampaignRequestSchema = createCampaignSchema.extend({
  idempotencyKey: idempotencyKeySchema,
});
export type CreateCampaignRequest = z.input<typeof createCampaignRequestSchema>;

/** A campaign as the API shows it. Times are ISO-8601 instants; the window is in each contact's local time. */
export const campaignViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  /** Why the service (not a person) set the status, e.g. "HubSpot access revoked"; null otherwise. */
  statusReason: z.string().nullable(),
  listId: z.string(),
  agentId: z.string(),
  phoneNumberId: z.string(),
  window: callingWindowSchema,
  defaultTimeZone: z.string().nullable(),
  retryPolicy: retryPolicySchema,
  maxAttempts: z.number().int(),
  concurrencyCap: z.number().int(),
  dailyCap: z.number().int(),
  dialsPerSecond: z.number(),
  startsAt: z.string(),
  firstMessage: z.string().nullable(),
  openForEnrolments: z.boolean(),
  variableProperties: z.record(z.string(), z.string()),
  consent: z.object({ required: z.boolean(), property: z.string() }),
  doNotCallProperty: z.string(),
  import: z.object({
    total: z.number().int().nullable(),
    done: z.number().int(),
    error: z.string().nullable(),
  }),
  createdAt: z.string(),
  createdByUserId: z.number().int().nullable(),
});
export type CampaignView = z.infer<typeof campaignViewSchema>;
