import { z } from 'zod';
import { unitFor } from '../deterministic.js';
import { isoAt, type SandboxClock } from '../http-server.js';

/**
 * Fault switches of the fake ElevenLabs: the failures a dialler must survive. Each rule fires for its `next` N
 * occasions first, then for a `fraction` of the rest; the fraction is decided from (seed, fault, number, attempt),
 * so the same run misbehaves the same way every time. A storm is a rule at fraction 1 switched on, then off, at run
 * time (POST /__sandbox/elevenlabs/faults, from any process on the machine). Every fault that fires is logged
 * (GET /__sandbox/elevenlabs/fault-log), so a checker can see that it happened and what the service saw.
 */

const faultRuleSchema = z.object({
  fraction: z.number().min(0).max(1).default(0),
  next: z.number().int().min(0).default(0),
});
export type FaultRule = z.output<typeof faultRuleSchema>;

export const FAULT_KINDS = [
  /** The webhook is never sent (ElevenLabs does not retry). */
  'dropWebhook',
  /** The webhook is sent twice (the second `duplicateDelayMs` after the first). */
  'duplicateWebhook',
  /** The webhook is held `webhookDelayMs`: long enough, it lands after the service found the call ended itself. */
  'delayWebhook',
  /**
   * The webhook is held until the next call's webhook has been sent (at most `reorderMaxHoldMs`): a later call's
   * outcome arrives before an earlier one's.
   */
  'reorderWebhook',
  /** The call is played out and its webhook delivered before the dial's HTTP response. */
  'webhookBeforeDialResponse',
  /** The call is placed, but the dial is answered with a 5xx: the caller cannot know it rang. */
  'serverErrorAfterPlacing',
  /** The dial is answered with a 5xx and nothing is placed (an outage in front of the telephony). */
  'serverErrorBeforePlacing',
  /** The dial is answered 429 with `Retry-After: retryAfterSeconds` and nothing is placed (a rate-limit storm). */
  'rateLimitDial',
  /**
   * The dial is refused with a 4xx and nothing is placed (a misconfigured number, an exhausted balance, a revoked
   * key): the status is `rejectDialStatus`.
   */
  'rejectDial',
  /** A conversation read (GET /v1/convai/conversations…) is answered with a 5xx. */
  'serverErrorOnRead',
  /** A conversation read is answered 429 with `Retry-After: retryAfterSeconds`. */
  'rateLimitRead',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const ms = z.number().int().min(0).max(600_000);
const rules = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, faultRuleSchema])) as Record<
  FaultKind,
  typeof faultRuleSchema
>;

export const faultSettingsSchema = z
  .object({
    ...rules,
    /** The HTTP status of a rejectDial answer: 400 (bad request), 401 (key), 402 (balance), 403 or 404. */
    rejectDialStatus: z.union([
      z.literal(400),
      z.literal(401),
      z.literal(402),
      z.literal(403),
      z.literal(404),
    ]),
    /** The HTTP status of a 5xx fault (after placing, before placing, on a read). */
    serverErrorStatus: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
    /** The Retry-After of a 429 fault, in seconds; 0 sends none. */
    retryAfterSeconds: z.number().int().min(0).max(600),
    /** Every dial response waits this long (the call is placed at once). */
    dialResponseDelayMs: ms,
    /** Every conversation read waits this long before it is answered. */
    readResponseDelayMs: ms,
    /** How long a delayWebhook fault holds a webhook back. */
    webhookDelayMs: ms,
    /** How long after the first delivery a duplicateWebhook fault sends the second. */
    duplicateDelayMs: ms,
    /** The longest a reorderWebhook fault waits for another call's webhook. */
    reorderMaxHoldMs: ms,
  })
  .partial();
export type FaultSettings = z.input<typeof faultSettingsSchema>;

export interface FaultState {
  readonly rules: Record<FaultKind, FaultRule>;
  serverErrorStatus: 500 | 502 | 503 | 504;
  rejectDialStatus: 400 | 401 | 402 | 403 | 404;
  retryAfterSeconds: number;
  dialResponseDelayMs: number;
  readResponseDelayMs: number;
  webhookDelayMs: number;
  duplicateDelayMs: number;
  reorderMaxHoldMs: number;
}

const SETTINGS = [
  'serverErrorStatus',
  'rejectDialStatus',
  'retryAfterSeconds',
  'dialResponseDelayMs',
  'readResponseDelayMs',
  'webhookDelayMs',
  'duplicateDelayMs',
  'reorderMaxHoldMs',
] as const satisfies readonly (keyof FaultState)[];

export function noFaults(): FaultState {
  const off = (): FaultRule => ({ fraction: 0, next: 0 });
  return {
    rules: Object.fromEntries(FAULT_KINDS.map((kind) => [kind, off()])) as Record<FaultKind, FaultRule>,
    serverErrorStatus: 500,
    rejectDialStatus: 402,
    retryAfterSeconds: 2,
    dialResponseDelayMs: 0,
    readResponseDelayMs: 0,
    webhookDelayMs: 30_000,
    duplicateDelayMs: 0,
    reorderMaxHoldMs: 30_000,
  };
}

/** Merges new settings in: rules named are replaced whole, the others stay as they were. */
export function applyFaultSettings(state: FaultState, settings: FaultSettings): void {
  const parsed = faultSettingsSchema.parse(settings);
  for (const kind of FAULT_KINDS) {
    const rule = parsed[kind];
    if (rule) state.rules[kind] = { ...rule };
  }
  const target = state as unknown as Record<string, unknown>;
  for (const key of SETTINGS) if (parsed[key] !== undefined) target[key] = parsed[key];
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
  return { ...state.rules, ...Object.fromEntries(SETTINGS.map((key) => [key, state[key]])) };
}

/** One fault that fired, as GET /__sandbox/elevenlabs/fault-log shows it. */
export interface FaultLogEntry {
  readonly at: string;
  readonly atMs: number;
  readonly fault: FaultKind;
  /** The number dialled, or the conversation read or whose webhook was tampered with. */
  readonly subject: string;
  /** What the request was answered with, when the fault answered it. */
  readonly status: number | null;
  readonly retryAfterMs: number | null;
}

/** Appends to the fault log on the fake's clock. */
export function faultLogger(log: FaultLogEntry[], clock: SandboxClock) {
  return (
    fault: FaultKind,
    subject: string,
    answer: { status?: number; retryAfterMs?: number | null } = {},
  ): void => {
    const atMs = clock.now();
    log.push({
      at: isoAt(atMs),
      atMs,
      fault,
      subject,
      status: answer.status ?? null,
      retryAfterMs: answer.retryAfterMs ?? null,
    });
  };
}
export type LogFault = ReturnType<typeof faultLogger>;
