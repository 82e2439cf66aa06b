import { z } from 'zod';
import { classificationConfigSchema } from './classification.js';
import { CALL_OUTCOMES, type RETRYABLE_OUTCOMES } from './outcomes.js';

/** Campaign shapes the extension sends and the service accepts. Field names are the API's (camelCase). */

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a time as HH:MM (24-hour)' });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date as YYYY-MM-DD' });

export const timeZoneSchema = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'expected an IANA time zone such as America/New_York' },
);

export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** When calls may happen, in each contact's local time. The legal 08:00–21:00 guard applies on top. */
export const callingWindowSchema = z
  .object({
    /** ISO weekdays: 1 = Monday … 7 = Sunday. */
    days: z
      .array(z.number().int().min(1, { error: 'expected 1 (Monday) to 7 (Sunday)' }).max(7))
      .min(1, { error: 'expected at least one calling day' })
      .max(7),
    start: clock,
    end: clock,
    /** Local dates with no calls (public holidays). */
    blackoutDates: z.array(isoDate).max(366).default([]),
  })
  .refine((w) => minutesOf(w.start) < minutesOf(w.end), { error: 'must end after it starts', path: ['end'] });
export type CallingWindowInput = z.infer<typeof callingWindowSchema>;

export const retryRuleSchema = z.object({
  /** Wait at least this long before the next attempt (then snapped into the calling window). */
  delayMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30),
  /** Stop after this many attempts in total for the contact, whatever the outcome of the last one. */
  maxAttempts: z.number().int().min(1).max(10),
});
export type RetryRule = z.infer<typeof retryRuleSchema>;

export const DEFAULT_RETRY_POLICY: Record<(typeof RETRYABLE_OUTCOMES)[number], RetryRule> = {
  no_answer: { delayMinutes: 240, maxAttempts: 3 },
  busy: { delayMinutes: 30, maxAttempts: 3 },
  voicemail: { delayMinutes: 24 * 60, maxAttempts: 2 },
  callback_requested: { delayMinutes: 60, maxAttempts: 3 },
  failed: { delayMinutes: 60, maxAttempts: 2 },
};

/** Per retryable outcome; outcomes left out are not retried. */
export const retryPolicySchema = z
  .object({
    no_answer: retryRuleSchema.optional(),
    busy: retryRuleSchema.optional(),
    voicemail: retryRuleSchema.optional(),
    callback_requested: retryRuleSchema.optional(),
    failed: retryRuleSchema.optional(),
  })
  .strict();
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

export const DEFAULT_VARIABLE_PROPERTIES: Record<string, string> = {
  first_name: 'firstname',
  last_name: 'lastname',
  last_gift_amount: 'last_gift_amount',
};

export const createCampaignSchema = z.object({
  name: z.string().trim().min(1, { error: 'expected a name' }).max(200),
  listId: z.string().regex(/^\d+$/, { error: 'expected a HubSpot list id (digits)' }),
  agentId: z.string().trim().min(1, { error: 'expected an ElevenLabs agent id' }),
  phoneNumberId: z.string().trim().min(1, { error: 'expected an ElevenLabs phone number id' }),
  window: callingWindowSchema,
  /** Used only for contacts whose zone cannot be found from HubSpot or their number; without it they are not called. */
  defaultTimeZone: timeZoneSchema.optional(),
  retryPolicy: retryPolicySchema.default(DEFAULT_RETRY_POLICY),
  maxAttempts: z.number().int().min(1).max(10).default(3),
  /** Calls in flight at once for this campaign. */
  concurrencyCap: z.number().int().min(1).max(500).default(5),
  /** Dials per calendar day (in defaultTimeZone, else UTC). */
  dailyCap: z.number().int().min(1).max(1_000_000).default(500),
  /** Carriers flag numbers that dial too fast: dials per second from this campaign's caller number. */
  dialsPerSecond: z.number().min(0.1).max(50).default(1),
  startsAt: z.iso.datetime({ offset: true }).optional(),
  /** The FCC treats AI voices as artificial voices needing prior consent: required by default. */
  consent: z
    .object({
      required: z.boolean().default(true),
      property: z.string().min(1).default('ai_call_consent'),
    })
    .default({ required: true, property: 'ai_call_consent' }),
  doNotCallProperty: z.string().min(1).default('fundraising_do_not_call'),
  /** Agent dynamic variable name → HubSpot contact property. */
  variableProperties: z
    .record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), z.string().min(1))
    .default(DEFAULT_VARIABLE_PROPERTIES),
  /**
   * Fed by a HubSpot workflow ("Place AI call") or "call now": stays active while it has nothing to dial, until
   * cancelled. Otherwise a campaign completes once every contact of its list is done.
   */
  openForEnrolments: z.boolean().default(false),
  /**
   * The agent's opening line for this campaign, with {{dynamic_variables}}; unset keeps the agent's own (the agent
   * must allow first-message overrides).
   */
  firstMessage: z.string().trim().min(1).max(2000).optional(),
  /** Which data-collection and evaluation ids of the agent the outcome classifier reads (defaults documented). */
  classification: classificationConfigSchema.default(classificationConfigSchema.parse({})),
  /** Region for numbers stored without a country code. */
  defaultRegion: z
    .string()
    .regex(/^[A-Z]{2}$/, { error: 'expected a two-letter country code' })
    .default('US'),
});
export type CreateCampaignInput = z.input<typeof createCampaignSchema>;
export type CreateCampaign = z.output<typeof createCampaignSchema>;

/** What may change on a live campaign; takes effect on the next dispatch. */
export const editCampaignSchema = z
  .object({
    name: createCampaignSchema.shape.name,
    window: callingWindowSchema,
    defaultTimeZone: timeZoneSchema.nullable(),
    retryPolicy: retryPolicySchema,
    maxAttempts: createCampaignSchema.shape.maxAttempts.unwrap(),
    concurrencyCap: createCampaignSchema.shape.concurrencyCap.unwrap(),
    dailyCap: createCampaignSchema.shape.dailyCap.unwrap(),
    dialsPerSecond: createCampaignSchema.shape.dialsPerSecond.unwrap(),
    /** null goes back to the agent's own first message. */
    firstMessage: z.string().trim().min(1).max(2000).nullable(),
    variableProperties: createCampaignSchema.shape.variableProperties.unwrap(),
    openForEnrolments: z.boolean(),
  })
  .partial()
  .strict();
export type EditCampaign = z.output<typeof editCampaignSchema>;

export const CAMPAIGN_STATUSES = [
  'draft',
  'importing',
  'ready',
  'active',
  'paused',
  'completed',
  'cancelled',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** Why an imported contact will not be called. */
export const SKIP_REASONS = [
  'no_phone',
  'invalid_phone',
  'duplicate_phone',
  'suppressed',
  'no_consent',
  'no_time_zone',
  /** Deleted in HubSpot (or privacy-deleted) before it was called. */
  'contact_deleted',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export const outcomeSchema = z.enum(CALL_OUTCOMES);
