import { z } from 'zod';
import { campaignViewSchema, pageOf, pageQuerySchema } from './api.js';
import { CAMPAIGN_STATUSES, editCampaignSchema } from './campaign.js';
import { CALL_OUTCOMES } from './outcomes.js';

/**
 * The signed API's catalog (what a campaign is built from), campaign and results endpoints: request and response
 * shapes. Query schemas are not strict: HubSpot's proxy adds portalId, userId, userEmail and appId to every query.
 * Bodies are strict where a misspelt key would otherwise be silently ignored (an edit).
 */

const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ error: 'expected a whole number' })
    .int({ error: 'expected a whole number' })
    .min(min, { error: `expected ${min} to ${max}` })
    .max(max, { error: `expected ${min} to ${max}` });

/** The `:campaignId` of every campaign route. */
export const campaignIdSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
    error: 'expected a campaign id (a UUID)',
  });

// ---------------------------------------------------------------------------------------------------------------
// Catalog: the portal's HubSpot lists, the ElevenLabs agents, caller numbers and voices.

/** GET /api/hubspot/lists: contact lists whose name contains `query`, `count` from `offset`. */
export const hubspotListsQuerySchema = z.object({
  query: z
    .string({ error: 'expected text' })
    .trim()
    .max(200, { error: 'expected at most 200 characters' })
    .default(''),
  offset: wholeNumber(0, 1_000_000).default(0),
  count: wholeNumber(1, 100).default(20),
});
export type HubSpotListsQuery = z.infer<typeof hubspotListsQuerySchema>;

export const hubspotListViewSchema = z.object({
  listId: z.string(),
  name: z.string(),
  /** MANUAL (static), DYNAMIC (active) or SNAPSHOT. */
  processingType: z.string(),
  /** Members, when HubSpot says. */
  size: z.number().int().nullable(),
});
export type HubSpotListView = z.infer<typeof hubspotListViewSchema>;

export const hubspotListsPageSchema = z.object({
  items: z.array(hubspotListViewSchema),
  /** Pass back as `offset` for the next page (HubSpot's own offset). */
  nextOffset: z.number().int(),
  hasMore: z.boolean(),
});
export type HubSpotListsPage = z.infer<typeof hubspotListsPageSchema>;

export const agentViewSchema = z.object({
  agentId: z.string(),
  name: z.string(),
  tags: z.array(z.string()),
  /** The voice the agent speaks with; `name` is null when it is not one of the workspace's listed voices. */
  voice: z.object({ voiceId: z.string(), name: z.string().nullable() }).nullable(),
  /** The agent's own opening line; null when the agent waits for the callee to speak first. */
  firstMessage: z.string().nullable(),
  language: z.string().nullable(),
  /** Whether a campaign may set its own first message for this agent (ElevenLabs' security settings). */
  allowsFirstMessageOverride: z.boolean(),
  lastCallAt: z.string().nullable(),
});
export type AgentView = z.infer<typeof agentViewSchema>;
export const agentListSchema = z.object({ items: z.array(agentViewSchema) });

export const phoneNumberViewSchema = z.object({
  phoneNumberId: z.string(),
  /** E.164: the caller number donors see. */
  phoneNumber: z.string(),
  label: z.string(),
  /** twilio, sip_trunk, exotel, ...: which outbound endpoint serves it. */
  provider: z.string(),
  /** False for numbers ElevenLabs cannot place outbound calls through; a campaign cannot use them. */
  canDialOut: z.boolean(),
  assignedAgentId: z.string().nullable(),
});
export type PhoneNumberView = z.infer<typeof phoneNumberViewSchema>;
export const phoneNumberListSchema = z.object({ items: z.array(phoneNumberViewSchema) });

export const voiceViewSchema = z.object({
  voiceId: z.string(),
  name: z.string(),
  category: z.string().nullable(),
  description: z.string().nullable(),
  previewUrl: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
});
export type VoiceView = z.infer<typeof voiceViewSchema>;
export const voiceListSchema = z.object({ items: z.array(voiceViewSchema) });

/** The `:listId` of GET /api/hubspot/lists/:listId/sample-contact: HubSpot list ids are digits. */
export const hubspotListIdSchema = z
  .string()
  .regex(/^\d{1,20}$/, { error: 'expected a HubSpot list id (digits)' });

/** HubSpot's internal property names (what a campaign's variableProperties maps to). */
const PROPERTY_NAME = /^[A-Za-z0-9_]{1,100}$/;

/**
 * GET /api/hubspot/lists/:listId/sample-contact?properties=firstname,last_gift_amount: the list's first member with
 * those properties, for the wizard's rendered first-message preview. At most 50 properties, comma-separated.
 */
export const sampleContactQuerySchema = z.object({
  properties: z
    .string({ error: 'expected comma-separated HubSpot property names' })
    .max(5000, { error: 'expected at most 5000 characters' })
    .default('')
    .transform((raw) => [
      ...new Set(
        raw
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== ''),
      ),
    ])
    .refine((names) => names.every((n) => PROPERTY_NAME.test(n)), {
      error: 'expected HubSpot property names (letters, digits, _) separated by commas',
    })
    .refine((names) => names.length <= 50, { error: 'expected at most 50 properties' }),
});
export type SampleContactQuery = z.infer<typeof sampleContactQuerySchema>;

/** A real contact of the list; properties HubSpot has no value for are null. */
export const sampleContactSchema = z.object({
  contactId: z.string(),
  properties: z.record(z.string(), z.string().nullable()),
});
export type SampleContact = z.infer<typeof sampleContactSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Campaigns.

/** GET /api/campaigns: newest first, optionally of one status. */
export const campaignListQuerySchema = pageQuerySchema.extend({
  status: z.enum(CAMPAIGN_STATUSES).optional(),
});
export type CampaignListQuery = z.infer<typeof campaignListQuerySchema>;
export const campaignPageSchema = pageOf(campaignViewSchema);
export type CampaignPage = z.infer<typeof campaignPageSchema>;

/** PATCH /api/campaigns/:id: the settings to change (window, caps, retry policy, first message, variables). */
export const editCampaignRequestSchema = editCampaignSchema.refine((edit) => Object.keys(edit).length > 0, {
  error: 'expected at least one setting to change',
});
export type EditCampaignRequest = z.input<typeof editCampaignRequestSchema>;

/** POST /api/campaigns/:id/start|pause|resume|cancel take no settings: no body, or `{}`. */
export const campaignActionRequestSchema = z.object({}).strict().optional();

/**
 * GET /api/campaigns/:id/import-preview: what the list import found, before launch. `eligible` contacts will be
 * called; the others are skipped, counted by reason. `complete` is false while the import still runs.
 */
export const importPreviewSchema = z.object({
  campaignId: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  complete: z.boolean(),
  import: z.object({
    /** List members, once HubSpot said how many; null before. */
    total: z.number().int().nullable(),
    done: z.number().int(),
    error: z.string().nullable(),
  }),
  /** Contacts imported, callable or not. */
  contacts: z.number().int(),
  eligible: z.number().int(),
  skipped: z.object({
    noPhone: z.number().int(),
    invalidPhone: z.number().int(),
    /** Same number as a contact already in the campaign. */
    duplicate: z.number().int(),
    /** On the portal's do-not-call list or flagged do-not-call in HubSpot. */
    doNotCall: z.number().int(),
    noConsent: z.number().int(),
    /** No time zone from HubSpot or the number, and no campaign default. */
    noTimeZone: z.number().int(),
  }),
});
export type ImportPreview = z.infer<typeof importPreviewSchema>;

/** GET /api/campaigns/:id/stats: computed from the rows on every read. */
export const campaignStatsViewSchema = z.object({
  campaignId: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  contacts: z.object({ total: z.number().int(), byState: z.record(z.string(), z.number().int()) }),
  skipped: z.record(z.string(), z.number().int()),
  /** Contacts by their latest outcome. */
  outcomes: z.partialRecord(z.enum(CALL_OUTCOMES), z.number().int()),
  pledges: z.object({ count: z.number().int(), sum: z.number() }),
  dialsToday: z.number().int(),
  callsInFlight: z.number().int(),
  attempts: z.number().int(),
  /** ElevenLabs credits, summed over calls that reported it. */
  cost: z.number(),
  averageCallSeconds: z.number().nullable(),
  /** A lower bound (windows and retries lengthen it); null when it cannot be estimated. */
  estimatedCompletionAt: z.string().nullable(),
});
export type CampaignStatsView = z.infer<typeof campaignStatsViewSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Results: a campaign's attempts (dials), paged, and the CSV export.

/**
 * An attempt is a dial that left for ElevenLabs and may have rung: dialing (request sent), placed (ringing or
 * talking), unknown (result being reconciled), ended (outcome in). A slot claimed but not yet dialled, or given back
 * without a call (at capacity, outside the window, reconciled as never placed), is not one.
 */
export const ATTEMPT_STATUSES = ['dialing', 'placed', 'unknown', 'ended'] as const;

const outcomeFilter = z.enum(CALL_OUTCOMES).optional();

/** GET /api/campaigns/:id/attempts: newest first, optionally of one outcome. */
export const attemptsQuerySchema = pageQuerySchema.extend({ outcome: outcomeFilter });
export type AttemptsQuery = z.infer<typeof attemptsQuerySchema>;

/** GET /api/campaigns/:id/export.csv: every attempt, oldest first, optionally of one outcome. */
export const exportQuerySchema = z.object({ outcome: outcomeFilter });

export const attemptViewSchema = z.object({
  attemptId: z.string(),
  contactId: z.string(),
  firstName: z.string().nullable(),
  /** The number dialled, E.164. */
  phone: z.string(),
  status: z.enum(ATTEMPT_STATUSES),
  /** Null until the call has ended. */
  outcome: z.enum(CALL_OUTCOMES).nullable(),
  /** Which signal decided the outcome, in a few words. */
  outcomeReason: z.string().nullable(),
  summary: z.string().nullable(),
  durationSecs: z.number().nullable(),
  pledge: z.object({ amount: z.number(), frequency: z.string().nullable() }).nullable(),
  /** ISO-8601, when the donor asked to be called back at a given time. */
  callbackAt: z.string().nullable(),
  conversationId: z.string().nullable(),
  /** The conversation (transcript, audio) in the ElevenLabs app. */
  conversationUrl: z.string().nullable(),
  /** When the dial left. */
  dialledAt: z.string(),
  endedAt: z.string().nullable(),
});
export type AttemptView = z.infer<typeof attemptViewSchema>;
export const attemptPageSchema = pageOf(attemptViewSchema);
export type AttemptPage = z.infer<typeof attemptPageSchema>;

/**
 * POST /api/campaigns/:id/export-link: a browser download carries no HubSpot signature, so the card asks for a
 * short-lived signed link to the CSV (`GET /exports/:id.csv?portal=&outcome=&expires=&sig=`) and opens that.
 */
export const exportLinkRequestSchema = z.object({ outcome: outcomeFilter }).strict();
export type ExportLinkRequest = z.input<typeof exportLinkRequestSchema>;
export const exportLinkAnswerSchema = z.object({ url: z.string(), expiresAt: z.string() });
export type ExportLinkAnswer = z.infer<typeof exportLinkAnswerSchema>;
