import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import { bossDb } from '../../core/deps.js';
import type { Queryable } from '../../db/pool.js';
import { defineKeyedRetryQueue } from '../../jobs/queue-definition.js';

const syncJob = z.object({
  portalId: z.number().int().positive(),
  contactId: z.string().regex(/^\d+$/),
});
export type DoNotCallSyncJob = z.infer<typeof syncJob>;

/**
 * Writes a contact's do-not-call decision to its HubSpot properties. 'stately' per contact: while a job waits, a
 * newer decision adds nothing (the waiting job reads the row when it runs); one made while a job runs queues one
 * more. HubSpot's 429s and 5xx are retried with backoff for about 25 minutes before `contact-dnc-sync-dead`, where
 * the job waits for ops to redrive it; the contact's row stays pending with HubSpot's last error meanwhile, and the
 * state view shows it.
 */
export const { queue: DNC_SYNC_QUEUE, deadLetter: DNC_SYNC_DEAD_QUEUE } = defineKeyedRetryQueue(
  'contact-dnc-sync',
  syncJob,
  { retryDelay: 5, retryDelayMax: 300, expireInSeconds: 120 },
);

/** Call inside the transaction that records the decision: the decision and its HubSpot write commit together. */
export async function enqueueDoNotCallSync(
  tx: Queryable,
  boss: PgBoss,
  job: DoNotCallSyncJob,
): Promise<void> {
  await boss.send(DNC_SYNC_QUEUE.name, job, {
    singletonKey: `${job.portalId}:${job.contactId}`,
    db: bossDb(tx),
  });
}
