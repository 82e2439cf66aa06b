import { z } from 'zod';
import { pageOf, pageQuerySchema } from './api.js';
import { CAMPAIGN_STATUSES, SKIP_REASONS } from './campaign.js';
import { CALL_OUTCOMES } from './outcomes.js';

/**
 * The contact endpoints of the signed API (the contact record's AI-calls tab) and voice previews: request and
 * response shapes. Query schemas leave unknown keys alone (HubSpot's proxy adds portalId, userId, userEmail, appId).
 * Phone numbers in answers are masked (+12*******34): the card explains which numbers are blocked without the API
 * handing out full numbers.
 */

/** A HubSpot contact record id, as it appears in paths. */
export const contactIdSchema = z
  .string()
  .regex(/^[1-9]\d{0,19}$/, { error: 'expected a HubSpot contact id (digits)' });

export const contactPathSchema = z.object({ contactId: contactIdSchema });

/** GET /api/contacts/:contactId/calls?offset=&limit= */
export const contactCallsQuerySchema = pageQuerySchema;
export type ContactCallsQuery = z.infer<typeof contactCallsQuerySchema>;

/** One AI call to the contact, in any campaign of the portal; newest first. */
export const contactCallSchema = z.object({
  attemptId: z.string(),
  campaign: z.object({ id: z.string(), name: z.string() }),
  /** When the call started (ISO-8601 instant). */
  at: z.string(),
  endedAt: z.string().nullable(),
  /** in_progress: dialled, no outcome yet. */
  status: z.enum(['in_progress', 'ended']),
  outcome: z.enum(CALL_OUTCOMES).nullable(),
  durationSeconds: z.number().nullable(),
  summary: z.string().nullable(),
  pledge: z.object({ amount: z.number(), frequency: z.string().nullable() }).nullable(),
  conversationId: z.string().nullable(),
  /** The conversation in ElevenLabs (transcript and recording). */
  conversationUrl: z.string().nullable(),
});
export type ContactCall = z.infer<typeof contactCallSchema>;

export const contactCallsPageSchema = pageOf(contactCallSchema);
export type ContactCallsPage = z.infer<typeof contactCallsPageSchema>;

/** An instant as the contact's clock shows it in one zone. */
export const localTimeSchema = z.object({
  timeZone: z.string(),
  /** Wall time, 'YYYY-MM-DDTHH:mm'. */
  dateTime: z.string(),
  /** The zone's offset then, '-05:00'. */
  utcOffset: z.string(),
});
export type LocalTime = z.infer<typeof localTimeSchema>;

export const CONTACT_CAMPAIGN_STATES = ['imported', 'queued', 'dialing', 'done', 'skipped'] as const;

/** The contact in one active or paused campaign. */
export const contactCampaignStateSchema = z.object({
  campaign: z.object({ id: z.string(), name: z.string(), status: z.enum(CAMPAIGN_STATUSES) }),
  state: z.enum(CONTACT_CAMPAIGN_STATES),
  skipReason: z.enum(SKIP_REASONS).nullable(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  /**
   * When the contact is next due (queued contacts only): the instant, and the wall time in each of the contact's
   * candidate zones (one when known; several when the number's prefix spans zones: calls must suit all of them).
   */
  nextAttempt: z.object({ at: z.string(), local: z.array(localTimeSchema) }).nullable(),
  /** Why it waits: outside_window, retry, callback, frequency_cap, ... */
  waitReason: z.string().nullable(),
  lastOutcome: z.enum(CALL_OUTCOMES).nullable(),
  lastAttemptAt: z.string().nullable(),
});
export type ContactCampaignState = z.infer<typeof contactCampaignStateSchema>;

/** A number of the contact on the portal's do-not-call list. */
export const suppressedNumberSchema = z.object({
  maskedPhone: z.string(),
  /** opted_out (said so on a call), wrong_number, manual (set by a person), hubspot_property. */
  reason: z.string(),
  /** Who or what put it there: `user:<HubSpot user id>`, an attempt id, a contact id. */
  source: z.string().nullable(),
  since: z.string(),
});

export const doNotCallStatusSchema = z.object({
  /**
   * True when any of the contact's numbers is on the list (no campaign dials it), or a person's last decision here
   * was to set it (a contact with no number is held back by the HubSpot property alone).
   */
  active: z.boolean(),
  numbers: z.array(suppressedNumberSchema),
  /** The last time a person set or cleared it here. */
  lastChange: z
    .object({
      doNotCall: z.boolean(),
      reason: z.string().nullable(),
      byUserId: z.number().int().nullable(),
      at: z.string(),
    })
    .nullable(),
  /** The HubSpot property write the last change owes: pending until HubSpot confirms it (retried meanwhile). */
  hubspot: z
    .object({
      properties: z.array(z.string()),
      status: z.enum(['pending', 'done', 'failed']),
      error: z.string().nullable(),
    })
    .nullable(),
});
export type DoNotCallStatus = z.infer<typeof doNotCallStatusSchema>;

/** GET /api/contacts/:contactId/state */
export const contactStateSchema = z.object({
  contactId: z.string(),
  doNotCall: doNotCallStatusSchema,
  campaigns: z.array(contactCampaignStateSchema),
});
export type ContactState = z.infer<typeof contactStateSchema>;

/**
 * PUT /api/contacts/:contactId/do-not-call. Clearing removes do-not-call set by people or read from the HubSpot
 * property; a donor's own opt-out on a call stays unless `overrideOptOut` is true (answered 409 otherwise).
 * A wrong-number entry is never removed here: the number is not the donor's (correct the phone in HubSpot).
 */
export const setDoNotCallRequestSchema = z.object({
  doNotCall: z.boolean({ error: 'expected true or false' }),
  reason: z
    .string({ error: 'expected text' })
    .trim()
    .max(500, { error: 'expected at most 500 characters' })
    .optional(),
  overrideOptOut: z.boolean({ error: 'expected true or false' }).optional(),
});
export type SetDoNotCallRequest = z.input<typeof setDoNotCallRequestSchema>;

export const setDoNotCallAnswerSchema = z.object({
  contactId: z.string(),
  doNotCall: doNotCallStatusSchema,
});
export type SetDoNotCallAnswer = z.infer<typeof setDoNotCallAnswerSchema>;

export const VOICE_PREVIEW_MAX_CHARS = 300;

export const voicePreviewPathSchema = z.object({
  voiceId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected an ElevenLabs voice id' }),
});

/** POST /api/voices/:voiceId/preview */
export const voicePreviewRequestSchema = z.object({
  text: z
    .string({ error: 'expected the line to speak' })
    .trim()
    .min(1, { error: 'expected the line to speak' })
    .max(VOICE_PREVIEW_MAX_CHARS, { error: `expected at most ${VOICE_PREVIEW_MAX_CHARS} characters` }),
});
export type VoicePreviewRequest = z.input<typeof voicePreviewRequestSchema>;

/** A link the card opens in a new tab (audio/mpeg), valid until expiresAt. */
export const voicePreviewAnswerSchema = z.object({ url: z.string(), expiresAt: z.string() });
export type VoicePreviewAnswer = z.infer<typeof voicePreviewAnswerSchema>;
