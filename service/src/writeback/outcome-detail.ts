import { z } from 'zod';

/**
 * call_attempts.outcome_detail as the write-back reads it: the ClassifiedOutcome the webhook processing stored
 * (service/src/outcomes/classified-outcome.ts). It comes back out of the database, possibly written by an older
 * deploy or by a path that had no details (`{}`), so every field is optional and a malformed one is dropped
 * rather than failing the write-back: the outcome itself is a column of its own.
 */
const optional = <T extends z.ZodType>(schema: T) => schema.nullable().optional().catch(null);

const transcriptLine = z.object({
  role: z.string().catch('unknown'),
  message: z.string().catch(''),
  timeInCallSecs: z.number().catch(0),
});

export const outcomeDetailSchema = z
  .object({
    reason: optional(z.string()),
    pledgeAmount: optional(z.number()),
    pledgeFrequency: optional(z.string()),
    callbackAt: optional(z.string()),
    conversationId: optional(z.string()),
    startedAtMs: optional(z.number()),
    durationSecs: optional(z.number().min(0)),
    summary: optional(z.string()),
    transcript: z.array(transcriptLine).optional().catch([]),
    fromNumber: optional(z.string()),
    toNumber: optional(z.string()),
  })
  .catch({});

export type OutcomeDetail = z.infer<typeof outcomeDetailSchema>;

export function parseOutcomeDetail(value: unknown): OutcomeDetail {
  return outcomeDetailSchema.parse(value ?? {});
}
