import { z } from 'zod';
import { diallingStateSchema } from './api-safety.js';
import {
  callingWindowSchema,
  createCampaignSchema,
  DEFAULT_RETRY_POLICY,
  retryPolicySchema,
  timeZoneSchema,
} from './campaign.js';
import { type ClassificationConfig, classificationConfigSchema } from './classification.js';

/**
 * The settings page of the signed API: the connection status (the service, the HubSpot account, ElevenLabs), the
 * portal's campaign defaults (what a new campaign starts from) and the data-collection ids the classifier reads,
 * with a check of an agent against them.
 */

/** What a new campaign of the portal starts from; each field is the campaign field of the same meaning. */
export const portalDefaultsSchema = z
  .object({
    /** For contacts whose zone is not known from HubSpot or their number; null: such contacts are not called. */
    timeZone: timeZoneSchema.nullable(),
    window: callingWindowSchema,
    retryPolicy: retryPolicySchema,
    maxAttempts: createCampaignSchema.shape.maxAttempts.unwrap(),
    consent: z
      .object({
        required: z.boolean({ error: 'expected true or false' }),
        property: z.string().trim().min(1, { error: 'expected a HubSpot contact property name' }).max(100),
      })
      .strict(),
    doNotCallProperty: z
      .string()
      .trim()
      .min(1, { error: 'expected a HubSpot contact property name' })
      .max(100),
  })
  .strict();
export type PortalDefaults = z.output<typeof portalDefaultsSchema>;
export type PortalDefaultsInput = z.input<typeof portalDefaultsSchema>;

/** A portal that never saved its defaults gets these (the campaign schema's own defaults). */
export const DEFAULT_PORTAL_DEFAULTS: PortalDefaults = Object.freeze({
  timeZone: null,
  window: { days: [1, 2, 3, 4, 5], start: '09:00', end: '20:00', blackoutDates: [] },
  retryPolicy: DEFAULT_RETRY_POLICY,
  maxAttempts: 3,
  consent: { required: true, property: 'ai_call_consent' },
  doNotCallProperty: 'fundraising_do_not_call',
});

/** PUT /api/settings: the whole set of defaults (the page edits them all at once). */
export const updateSettingsRequestSchema = z.object({ defaults: portalDefaultsSchema }).strict();
export type UpdateSettingsRequest = z.input<typeof updateSettingsRequestSchema>;

/** GET /api/settings (and the answer to PUT). */
export const settingsViewSchema = z.object({
  service: z.object({
    /** Always true in an answer: the request reached the service and its signature held. */
    connected: z.literal(true),
    portal: z.object({
      portalId: z.number().int(),
      /** connected, or why not (a disconnected portal's requests are answered 401, so this shows connected). */
      status: z.string(),
      statusReason: z.string().nullable(),
    }),
  }),
  /** The service-wide "stop all dialling" switch, which ops set (the settings page shows it, read-only). */
  dialling: diallingStateSchema,
  elevenlabs: z.object({
    reachable: z.boolean(),
    /** Why it is not reachable (ElevenLabs' own words), absent when it is. */
    message: z.string().optional(),
  }),
  defaults: portalDefaultsSchema,
  /** When and by whom the defaults were last saved; null while they are the built-in ones. */
  defaultsUpdatedAt: z.string().nullable(),
  defaultsUpdatedByUserId: z.number().int().nullable(),
  /** The ids the outcome classifier reads from the agent's analysis (the documented defaults). */
  classification: classificationConfigSchema,
});
export type SettingsView = z.infer<typeof settingsViewSchema>;

/** The classifier's id of each signal, with what it means, in the order the settings page lists them. */
export const CLASSIFICATION_SIGNALS: readonly {
  readonly key: keyof ClassificationConfig;
  readonly label: string;
  /** Optional signals: the classifier reads other evidence when the agent lacks them. */
  readonly optional: boolean;
}[] = [
  { key: 'pledgeAmount', label: 'Amount pledged', optional: false },
  { key: 'pledgeFrequency', label: 'Pledge frequency', optional: false },
  { key: 'callbackTime', label: 'Callback time', optional: false },
  { key: 'doNotCall', label: 'Asked not to be called', optional: false },
  { key: 'wrongNumber', label: 'Wrong number', optional: false },
  { key: 'voicemail', label: 'Reached voicemail', optional: true },
  { key: 'declined', label: 'Declined', optional: true },
];

/** An ElevenLabs agent id in a path. */
export const agentCheckPathSchema = z.object({
  agentId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, { error: 'expected an ElevenLabs agent id' }),
});

/** POST /api/elevenlabs/agents/:agentId/check: the ids to look for (default: the classifier's). */
export const agentCheckRequestSchema = z
  .object({
    dataCollectionIds: z
      .array(classificationConfigSchema.shape.pledgeAmount.unwrap(), {
        error: 'expected a list of data-collection ids',
      })
      .min(1, { error: 'expected at least one id' })
      .max(50, { error: 'expected at most 50 ids' })
      .optional(),
  })
  .strict();
export type AgentCheckRequest = z.input<typeof agentCheckRequestSchema>;

export const agentCheckResultSchema = z.object({
  agentId: z.string(),
  agentName: z.string(),
  ids: z.array(
    z.object({
      id: z.string(),
      /** Where the agent has it; null: the agent lacks it. */
      foundIn: z.enum(['data_collection', 'evaluation_criteria']).nullable(),
    }),
  ),
  /** The ids the agent lacks, in the order asked. */
  missing: z.array(z.string()),
});
export type AgentCheckResult = z.infer<typeof agentCheckResultSchema>;
