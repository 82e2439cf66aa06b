import { CALL_OUTCOMES, OUTCOME_LABELS } from '@fundraising/shared';
import type { HubSpotPortalClient, PropertyDefinition } from '../hubspot/index.js';
import type { Logger } from '../logger.js';

/** The app's own property group, on contacts and on calls. */
export const PROPERTY_GROUP = { name: 'ai_fundraising', label: 'AI fundraising calls' } as const;

/** Contact properties the write-back sets. */
export const CONTACT_PROPERTY = {
  lastOutcome: 'ai_last_call_outcome',
  lastCallDate: 'ai_last_call_date',
  attempts: 'ai_call_attempts',
  lastPledgeAmount: 'ai_last_pledge_amount',
  lastPledgeFrequency: 'ai_last_pledge_frequency',
} as const;

/** The default do-not-call property (campaigns.dnc_property); the import reads the same one. */
export const DEFAULT_DNC_PROPERTY = 'fundraising_do_not_call';

/** On each Calls engagement: our attempt id, so a call whose create answer was lost can be found again. */
export const CALL_ATTEMPT_ID_PROPERTY = 'ai_call_attempt_id';

export const CONTACT_PROPERTIES: readonly PropertyDefinition[] = [
  {
    name: CONTACT_PROPERTY.lastOutcome,
    label: 'Last AI call outcome',
    type: 'enumeration',
    fieldType: 'select',
    description: 'How the last AI fundraising call with this contact ended.',
    options: CALL_OUTCOMES.map((value, i) => ({ label: OUTCOME_LABELS[value], value, displayOrder: i })),
  },
  {
    name: CONTACT_PROPERTY.lastCallDate,
    label: 'Last AI call date',
    type: 'datetime',
    fieldType: 'date',
    description: 'When the last AI fundraising call with this contact took place.',
  },
  {
    name: CONTACT_PROPERTY.attempts,
    label: 'AI call attempts',
    type: 'number',
    fieldType: 'number',
    description: 'AI fundraising calls placed to this contact, across campaigns.',
  },
  {
    name: CONTACT_PROPERTY.lastPledgeAmount,
    label: 'Last AI call pledge amount',
    type: 'number',
    fieldType: 'number',
    description: 'The amount pledged in the last AI fundraising call that ended in a pledge.',
  },
  {
    name: CONTACT_PROPERTY.lastPledgeFrequency,
    label: 'Last AI call pledge frequency',
    type: 'string',
    fieldType: 'text',
    description: 'How often the last pledge is given (e.g. one_time, monthly), as collected.',
  },
  {
    name: DEFAULT_DNC_PROPERTY,
    label: 'Do not call (fundraising)',
    type: 'bool',
    fieldType: 'booleancheckbox',
    description:
      'Set when the contact asked not to be called again. Campaigns never dial contacts with it set.',
  },
];

export const CALL_PROPERTIES: readonly PropertyDefinition[] = [
  {
    name: CALL_ATTEMPT_ID_PROPERTY,
    label: 'AI call attempt id',
    type: 'string',
    fieldType: 'text',
    description: "The fundraising app's id for this call, so the app never logs the same call twice.",
  },
];

/**
 * Creates the group and properties in the portal (existing ones are left alone), once per portal. Every Calls
 * engagement carries the attempt-id property (it is what lets a lost create be verified instead of repeated), so a
 * portal that refuses it cannot take write-backs: the error propagates, the rows stay pending and the job retries
 * and finally dead-letters with HubSpot's message (usually a missing schema scope) for ops to see.
 */
export async function ensureCrmSetup(client: HubSpotPortalClient, logger: Logger): Promise<void> {
  const contacts = await client.ensureContactProperties(PROPERTY_GROUP, CONTACT_PROPERTIES);
  const calls = await client.ensureCallProperties(PROPERTY_GROUP, CALL_PROPERTIES);
  logger.info(
    { portalId: client.portalId, created: [...contacts.created, ...calls.created] },
    'HubSpot property group and properties ready',
  );
}
