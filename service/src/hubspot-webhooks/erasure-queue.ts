import type { SendOptions } from 'pg-boss';
import { z } from 'zod';
import { defineQueue } from '../jobs/queue-definition.js';

const erasureJob = z.object({
  portalId: z.number().int().positive(),
  contactId: z.string().regex(/^\d{1,20}$/),
});
export type ErasureJob = z.infer<typeof erasureJob>;

/**
 * Erases a privacy-deleted contact's personal data. 'stately' with the contact as singletonKey: one queued and one
 * active job per contact, so a repeated deletion adds nothing while one waits, and a job that finds the contact
 * still in a call can queue its own follow-up. The payload holds ids only, never the person's data.
 */
export const CONTACT_ERASURE_QUEUE = defineQueue('hubspot-contact-erasure', erasureJob, {
  policy: 'stately',
  retryLimit: 10,
  retryDelay: 10,
  retryBackoff: true,
  retryDelayMax: 600,
  expireInSeconds: 300,
  heartbeatSeconds: 10,
});

/** How long an erasure waits for the contact's calls (and their post-call events) to finish before it looks again. */
export const ERASURE_RECHECK_SECONDS = 60;

/**
 * Calls end within the reconciliation bound (README), so this is never reached unless something is stuck (a
 * post-call event that cannot be processed): the erasure then goes ahead rather than wait without end.
 */
export const ERASURE_MAX_WAIT_MS = 24 * 3_600_000;

export function erasureJobOptions(job: ErasureJob, startAfterSeconds?: number): SendOptions {
  return {
    singletonKey: `${job.portalId}:${job.contactId}`,
    ...(startAfterSeconds === undefined ? {} : { startAfter: startAfterSeconds }),
  };
}
