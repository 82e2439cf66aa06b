import { z } from 'zod';

/** The payload of every job about one call attempt (placing it, reconciling its dial, looking at its call). */
export const attemptJobSchema = z.object({ attemptId: z.uuid(), portalId: z.number().int().positive() });
export type AttemptJob = z.infer<typeof attemptJobSchema>;
