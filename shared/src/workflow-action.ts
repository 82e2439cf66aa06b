import { z } from 'zod';
import { idempotencyKeySchema } from './api.js';
import { CALL_OUTCOMES } from './outcomes.js';

/**
 * The "Place AI call" workflow action and "call this contact now": the names HubSpot and the extension use, and
 * the shapes the service accepts and answers. The action's definition in the HubSpot project uses the same field
 * names (inputFields, outputFields, optionsUrl), so they are declared once, here.
 */

// ---------------------------------------------------------------------------------------------------------------
// The workflow action

/** Where HubSpot sends the action's executions (actionUrl) and fetches the campaign dropdown (optionsUrl). */
export const PLACE_CALL_ACTION_PATHS = {
  actionUrl: '/hubspot/actions/place-call',
  campaignOptionsUrl: '/hubspot/actions/campaign-options',
} as const;

/** The action's input fields (typeDefinition.name in the definition). */
export const PLACE_CALL_INPUT_FIELDS = {
  /** Dropdown filled from the portal's campaigns through the options endpoint (their ids). */
  campaignId: 'campaign_id',
  /**
   * Optional text: a JSON object of the agent's dynamic variables for this enrolment, e.g.
   * {"appeal":"winter","match_gift":"50"}. They are merged over the ones the campaign takes from the contact.
   */
  dynamicVariables: 'dynamic_variables',
} as const;

/** The action's output fields, all strings as HubSpot output fields are; a value that is not known is left out. */
export const PLACE_CALL_OUTPUT_FIELDS = {
  /** A call outcome (pledged, declined, no_answer, ...) or not_called. */
  outcome: 'outcome',
  /** Why the contact was not called (not_called only): no_phone, do_not_call, no_consent, campaign_cancelled, ... */
  reason: 'reason',
  /** Pledged amount, as a decimal number in text (e.g. "50" or "12.5"). */
  pledgeAmount: 'pledge_amount',
  /** As collected by the agent, e.g. one_time, monthly. */
  pledgeFrequency: 'pledge_frequency',
  /** ISO-8601 instant the donor asked to be called back at. */
  callbackTime: 'callback_time',
  /** The call's summary. */
  summary: 'summary',
} as const;

/** How long a blocked enrolment waits for its outcome before HubSpot moves the workflow on without it. */
export const PLACE_CALL_EXPIRATION = 'P7D';
export const PLACE_CALL_EXPIRATION_MS = 7 * 24 * 3_600_000;

export const WORKFLOW_OUTCOMES = [...CALL_OUTCOMES, 'not_called'] as const;
export type WorkflowOutcome = (typeof WORKFLOW_OUTCOMES)[number];

/** Why an enrolment ended without a call. */
export const NOT_CALLED_REASONS = [
  // The contact (at enrolment, or at dial time)
  'no_phone',
  'invalid_phone',
  'do_not_call',
  'no_consent',
  'no_time_zone',
  'duplicate_phone',
  'contact_not_found',
  // The chosen campaign
  'campaign_not_found',
  'campaign_cancelled',
  'campaign_completed',
  // The HubSpot account
  'portal_not_connected',
] as const;
export type NotCalledReason = (typeof NOT_CALLED_REASONS)[number];

/** Dynamic variable names, as campaigns' variableProperties name them. */
const variableName = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_VARIABLES = 50;
const MAX_VARIABLE_LENGTH = 1_000;

/**
 * The dynamic_variables input: JSON object text (empty means none). Numbers and booleans become text (the agent's
 * dynamic variables are text); anything else names what is wrong.
 */
export const dynamicVariablesFieldSchema = z
  .string()
  .max(20_000, { error: 'expected at most 20,000 characters' })
  .transform((text, ctx): Record<string, string> => {
    if (text.trim() === '') return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON object such as {"appeal":"winter"}' });
      return z.NEVER;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON object such as {"appeal":"winter"}' });
      return z.NEVER;
    }
    const entries = Object.entries(parsed);
    if (entries.length > MAX_VARIABLES) {
      ctx.addIssue({ code: 'custom', message: `expected at most ${MAX_VARIABLES} variables` });
      return z.NEVER;
    }
    const variables: Record<string, string> = {};
    for (const [name, value] of entries) {
      if (!variableName.test(name)) {
        ctx.addIssue({ code: 'custom', message: `${name}: expected a lower-case name such as first_name` });
        return z.NEVER;
      }
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        ctx.addIssue({ code: 'custom', message: `${name}: expected text, a number or true/false` });
        return z.NEVER;
      }
      const text = String(value);
      // Stored as jsonb, which cannot hold U+0000 (a \u0000 escape in the JSON text is one).
      if (text.includes('\u0000')) {
        ctx.addIssue({ code: 'custom', message: `${name}: expected text without NUL characters` });
        return z.NEVER;
      }
      if (text.length > MAX_VARIABLE_LENGTH) {
        ctx.addIssue({
          code: 'custom',
          message: `${name}: expected at most ${MAX_VARIABLE_LENGTH} characters`,
        });
        return z.NEVER;
      }
      variables[name] = text;
    }
    return variables;
  });

/**
 * What HubSpot POSTs to the actionUrl when a workflow reaches the action for an enrolled contact. HubSpot adds
 * fields over time: unknown keys are kept, not rejected.
 */
export const placeCallExecutionSchema = z.looseObject({
  callbackId: z
    .string({ error: 'expected the execution callbackId' })
    .min(1, { error: 'expected the execution callbackId' })
    .max(200),
  origin: z.looseObject({
    portalId: z.number({ error: 'expected the HubSpot portal id' }).int().positive(),
    actionDefinitionId: z.number().int().optional(),
    actionDefinitionVersion: z.number().int().optional(),
  }),
  context: z
    .looseObject({ source: z.string().optional(), workflowId: z.number().int().optional() })
    .optional(),
  object: z.looseObject({
    objectId: z
      .union([z.number().int().positive(), z.string().regex(/^[1-9]\d{0,18}$/)], {
        error: 'expected the enrolled record id',
      })
      .transform(String),
    objectType: z.literal('CONTACT', { error: 'expected a CONTACT (the action enrols contacts)' }),
  }),
  inputFields: z.looseObject({
    [PLACE_CALL_INPUT_FIELDS.campaignId]: z
      .string({ error: 'expected the campaign to call from' })
      .trim()
      .min(1, { error: 'expected the campaign to call from' }),
    [PLACE_CALL_INPUT_FIELDS.dynamicVariables]: dynamicVariablesFieldSchema.optional(),
  }),
});
export type PlaceCallExecution = z.output<typeof placeCallExecutionSchema>;

/** What the service outputs when the enrolment's outcome is known (the callback completion's outputFields). */
export const placeCallOutputsSchema = z.object({
  [PLACE_CALL_OUTPUT_FIELDS.outcome]: z.enum(WORKFLOW_OUTCOMES),
  [PLACE_CALL_OUTPUT_FIELDS.reason]: z.string().optional(),
  [PLACE_CALL_OUTPUT_FIELDS.pledgeAmount]: z.string().optional(),
  [PLACE_CALL_OUTPUT_FIELDS.pledgeFrequency]: z.string().optional(),
  [PLACE_CALL_OUTPUT_FIELDS.callbackTime]: z.string().optional(),
  [PLACE_CALL_OUTPUT_FIELDS.summary]: z.string().optional(),
});
export type PlaceCallOutputs = z.infer<typeof placeCallOutputsSchema>;

/** hs_execution_state values: BLOCK while the call is pending, then SUCCESS or FAIL_CONTINUE on completion. */
export type ExecutionState = 'BLOCK' | 'SUCCESS' | 'FAIL_CONTINUE';

/** The immediate answer to an execution. */
export interface PlaceCallExecutionAnswer {
  readonly outputFields: Partial<PlaceCallOutputs> & {
    readonly hs_execution_state: ExecutionState;
    readonly hs_expiration_duration?: string;
  };
}

/**
 * HubSpot's request to an input field's optionsUrl (the campaign dropdown): which field, what the user typed
 * (fetchOptions.q, once an answer said searchable) and the cursor of the next page (fetchOptions.after).
 */
export const campaignOptionsRequestSchema = z.looseObject({
  origin: z.looseObject({
    portalId: z.number({ error: 'expected the HubSpot portal id' }).int().positive(),
  }),
  inputFieldName: z.string().optional(),
  inputFields: z.record(z.string(), z.unknown()).optional(),
  fetchOptions: z
    .looseObject({ q: z.string().max(200).optional(), after: z.string().max(200).optional() })
    .optional(),
});
export type CampaignOptionsRequest = z.output<typeof campaignOptionsRequestSchema>;

export const campaignOptionsResponseSchema = z.object({
  options: z.array(z.object({ label: z.string(), value: z.string(), description: z.string().optional() })),
  /** Present when there are more options: HubSpot shows "load more" and sends it back as fetchOptions.after. */
  after: z.string().optional(),
  searchable: z.boolean(),
});
export type CampaignOptionsResponse = z.infer<typeof campaignOptionsResponseSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Call this contact now (POST /api/contacts/:contactId/call-now, signed)

export const callNowRequestSchema = z.object({
  campaignId: z.string({ error: 'expected the campaign to call from' }).trim().min(1, {
    error: 'expected the campaign to call from',
  }),
  idempotencyKey: idempotencyKeySchema,
});
export type CallNowRequest = z.input<typeof callNowRequestSchema>;

/** The rules a call-now request goes through: the dispatcher's, in the order it applies them. */
export const CALL_NOW_RULES = [
  'campaign_not_active',
  'contact_deleted',
  'no_phone',
  'do_not_call',
  'no_consent',
  'no_time_zone',
  'duplicate_phone',
  'outside_window',
  'in_call',
  'frequency_cap',
  'concurrency',
  'daily_cap',
] as const;
export type CallNowRule = (typeof CALL_NOW_RULES)[number];

export const callNowResponseSchema = z.discriminatedUnion('status', [
  /** Every rule allowed it: the call is being placed (the placement job re-checks at dial time). */
  z.object({
    status: z.literal('dialing'),
    campaignId: z.string(),
    contactId: z.string(),
    attemptId: z.string(),
  }),
  /** A rule forbids it now; nextAllowedAt is when it would allow it (null: not by waiting, or unknown). */
  z.object({
    status: z.literal('refused'),
    campaignId: z.string(),
    contactId: z.string(),
    rule: z.enum(CALL_NOW_RULES),
    message: z.string(),
    nextAllowedAt: z.string().nullable(),
  }),
]);
export type CallNowResponse = z.infer<typeof callNowResponseSchema>;
