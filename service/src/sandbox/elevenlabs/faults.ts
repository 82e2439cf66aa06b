import { z } from 'zod';
import { unitFor } from '../deterministic.js';

/**
 * Fault switches of the fake ElevenLabs: the failures a dialler must survive. Each rule fires for its `next` N
 * occasions first, then for a `fraction` of the rest; the fraction is decided from (seed, fault, number, attempt),
 * so the same run misbehaves the same way every time.
 */

const faultRuleSchema = z.object({
  fraction: z.number().min(0).max(1).default(0),
  next: z.number().int().min(0).default(0),
});
export type FaultRule = z.output<typeof faultRuleSchema>;

export const FAULT_KINDS = [
  /** The webhook is never sent (ElevenLabs does not retry). */
  'dropWebhook',
  /** The webhook is sent twice. */
  'duplicateWebhook',
  /** The call is played out and its webhook delivered before the dial's HTTP response. */
  'webhookBeforeDialResponse',
  /** The call is placed, but the dial is answered with a 5xx: the caller cannot know it rang. */
  'serverErrorAfterPlacing',
  /**
   * The dial is refused with a 4xx and nothing is placed (a misconfigured number, an exhausted balance, a revoked
   * key): the status is `rejectDialStatus`.
   */
  'rejectDial',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const faultSettingsSchema = z
  .object({
    dropWebhook: faultRuleSchema,
    duplicateWebhook: faultRuleSchema,
    webhookBeforeDialResponse: faultRuleSchema,
    serverErrorAfterPlacing: faultRuleSchema,
    rejectDial: faultRuleSchema,
    /** The HTTP status of a rejectDial answer: 400 (bad request), 401 (key), 402 (balance), 403 or 404. */
    rejectDialStatus: z.union([
      z.literal(400),
      z.literal(401),
      z.literal(402),
      z.literal(403),
      z.literal(404),
    ]),
    /** The HTTP status of a serverErrorAfterPlacing answer. */
    serverErrorStatus: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
    /** Every dial response waits this long (the call is placed at once). */
    dialResponseDelayMs: z.number().int().min(0).max(600_000),
  })
  .partial();
export type FaultSettings = z.input<typeof faultSettingsSchema>;

export interface FaultState {
  readonly rules: Record<FaultKind, FaultRule>;
  serverErrorStatus: 500 | 502 | 503 | 504;
  rejectDialStatus: 400 | 401 | 402 | 403 | 404;
  dialResponseDelayMs: number;
}

export function noFaults(): FaultState {
  const off = (): FaultRule => ({ fraction: 0, next: 0 });
  return {
    rules: {
      dropWebhook: off(),
      duplicateWebhook: off(),
      webhookBeforeDialResponse: off(),
      serverErrorAfterPlacing: off(),
      rejectDial: off(),
    },
    serverErrorStatus: 500,
    rejectDialStatus: 402,
    dialResponseDelayMs: 0,
  };
}

/** Merges new settings in: rules named are replaced whole, the others stay as they were. */
export function applyFaultSettings(state: FaultState, settings: FaultSettings): void {
  const parsed = faultSettingsSchema.parse(settings);
  for (const kind of FAULT_KINDS) {
    const rule = parsed[kind];
    if (rule) state.rules[kind] = { ...rule };
  }
  if (parsed.serverErrorStatus !== undefined) state.serverErrorStatus = parsed.serverErrorStatus;
  if (parsed.rejectDialStatus !== undefined) state.rejectDialStatus = parsed.rejectDialStatus;
  if (parsed.dialResponseDelayMs !== undefined) state.dialResponseDelayMs = parsed.dialResponseDelayMs;
}

/** Decides (and consumes, for `next`) whether a fault fires for this occasion. */
export function faultFires(state: FaultState, kind: FaultKind, seed: number, occasion: string): boolean {
  const rule = state.rules[kind];
  if (rule.next > 0) {
    rule.next -= 1;
    return true;
  }
  return rule.fraction > 0 && unitFor(seed, 'fault', kind, occasion) < rule.fraction;
}

export function describeFaults(state: FaultState) {
  return {
    ...state.rules,
    serverErrorStatus: state.serverErrorStatus,
    rejectDialStatus: state.rejectDialStatus,
    dialResponseDelayMs: state.dialResponseDelayMs,
  };
}
