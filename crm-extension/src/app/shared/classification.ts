import { z } from 'zod';

/**
 * Which results of the ElevenLabs agent's post-call analysis the outcome classifier reads, per campaign.
 * The ids are the ones set up on the agent (Agent → Analysis → Data collection / Evaluation criteria); the defaults
 * below are what the README tells a fundraiser to create, so a campaign only sets an id its agent names differently.
 *
 * Unknown keys are dropped, not rejected: the setting is parsed again when each webhook is processed, and a key a
 * later version no longer knows must not make an outcome fail to record.
 */

const resultId = z
  .string()
  .trim()
  .min(1, { error: 'expected a data-collection or evaluation id' })
  .max(128)
  .regex(/^[A-Za-z0-9_.-]+$/, { error: 'expected letters, digits, _ . or -' });

export const classificationConfigSchema = z.object({
  /** Data collection (number or text such as "$75.00"): the amount pledged. Above 0 → pledged. */
  pledgeAmount: resultId.default('pledge_amount'),
  /** Data collection (text, e.g. one_time, monthly): reported with the pledge as collected. */
  pledgeFrequency: resultId.default('pledge_frequency'),
  /** Data collection (text, ISO 8601 preferred): when the donor asked to be called back. */
  callbackTime: resultId.default('callback_time'),
  /** Data collection (boolean): the person asked not to be called again. True → opted_out. */
  doNotCall: resultId.default('do_not_call'),
  /** Data collection (boolean): the person who answered is not the donor. True → wrong_number. */
  wrongNumber: resultId.default('wrong_number'),
  /**
   * Data collection (boolean) or evaluation criterion (success) with this id: the call reached a voicemail box.
   * Optional signal: the provider's call result and the termination reason are read as well. null = not read.
   */
  voicemail: resultId.nullable().default('voicemail'),
  /**
   * Data collection (boolean) or evaluation criterion (success) with this id: the donor said no.
   * Optional signal: without it a declined call is recognised by call_successful = failure. null = not read.
   */
  declined: resultId.nullable().default('declined'),
});

/** A campaign's setting as stored and as the extension sends it (any field may be left out). */
export type ClassificationConfigInput = z.input<typeof classificationConfigSchema>;
/** Every id resolved (defaults filled in). */
export type ClassificationConfig = z.output<typeof classificationConfigSchema>;

export const DEFAULT_CLASSIFICATION: ClassificationConfig = Object.freeze(
  classificationConfigSchema.parse({}),
);
