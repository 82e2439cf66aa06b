import { z } from 'zod';

/**
 * The safety switches as the extension and ops see them: whether the service-wide "stop all dialling" switch is on,
 * who set it, when and why. While it is on, no campaign places a new call (calls already going on finish).
 */
export const diallingStateSchema = z
  .object({
    stopped: z.boolean(),
    /** Why dialling was stopped (null while it runs). */
    reason: z.string().nullable(),
    /** Who changed it last: `env:DIALLING_STOPPED` (set at start-up), `ops` or `ops:<user>`; null if never. */
    changedBy: z.string().nullable(),
    /** When it last changed (ISO 8601); null if never. */
    changedAt: z.string().nullable(),
  })
  .strict();
export type DiallingState = z.infer<typeof diallingStateSchema>;

/** GET /api/safety. */
export const safetyViewSchema = z.object({ dialling: diallingStateSchema }).strict();
export type SafetyView = z.infer<typeof safetyViewSchema>;

/** PUT /ops/dialling: stop or resume all dialling. */
export const setDiallingRequestSchema = z
  .object({
    stopped: z.boolean({ error: 'expected true or false' }),
    reason: z.string().trim().min(1, { error: 'expected a reason' }).max(500).optional(),
  })
  .strict();
export type SetDiallingRequest = z.infer<typeof setDiallingRequestSchema>;
