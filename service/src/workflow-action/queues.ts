import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import { bossDb } from '../core/deps.js';
import type { Queryable } from '../db/pool.js';
import { defineQueue } from '../jobs/queue-definition.js';

/**
 * The workflow action's queues. Both per-portal queues are 'stately' with the portal as singletonKey: one job
 * waiting and one running per portal at most, so everything that arrives while a job waits is picked up by that
 * job, in one batch.
 */

const portalJob = z.object({ portalId: z.number().int().positive() });
export type PortalJob = z.infer<typeof portalJob>;

/** Reads a portal's received enrolments from HubSpot (100 contacts a request) and puts them into their campaigns. */
export const ENROL_QUEUE = defineQueue('workflow-enrol', portalJob, {
  policy: 'stately',
  retryLimit: 10,
  retryDelay: 5,
  retryBackoff: true,
  retryDelayMax: 300,
  expireInSeconds: 600,
});

/** Where a portal's completion job goes once its retries are spent: kept for ops; the rows stay settled. */
export const COMPLETION_DEAD_QUEUE = defineQueue('workflow-completion-dead', portalJob, {
  retentionSeconds: 30 * 24 * 3600,
});

/**
 * Sends a portal's settled enrolments to HubSpot's batch completion endpoint, 100 a request. Retries back off up
 * to 5 minutes (about 25 minutes in all) before the job is dead-lettered; the minutely sweep queues the portal
 * again later, and each row expires with its enrolment, so nothing is retried forever.
 */
export const COMPLETION_QUEUE = defineQueue('workflow-completion', portalJob, {
  policy: 'stately',
  retryLimit: 10,
  retryDelay: 5,
  retryBackoff: true,
  retryDelayMax: 300,
  expireInSeconds: 600,
  deadLetter: COMPLETION_DEAD_QUEUE.name,
});

/** Every minute: settles what no outcome hook did, expires what is past expiry, re-queues stranded portals. */
export const SWEEP_QUEUE = defineQueue('workflow-action-sweep', z.object({}).passthrough().nullable(), {
  policy: 'singleton',
  retryLimit: 0,
  expireInSeconds: 120,
});

/**
 * Executions arriving within this window are read from HubSpot together (a workflow enrolling a list sends a burst).
 * The price: a contact reaches its campaign about 2 seconds after HubSpot asked.
 */
export const ENROL_DEBOUNCE_SECONDS = 2;

/**
 * Completions settling within this window share one HubSpot request (up to 100 each). A workflow waiting days
 * for a call does not notice 10 seconds; a portal's HubSpot budget does.
 */
export const COMPLETION_DEBOUNCE_SECONDS = 10;

type Boss = Pick<PgBoss, 'send'>;

/** Queues the portal's enrolment job; given a transaction, it commits with the caller's writes. */
export function enqueueEnrol(
  boss: Boss,
  db: Queryable | null,
  portalId: number,
  startAfterSeconds = ENROL_DEBOUNCE_SECONDS,
) {
  return boss.send(ENROL_QUEUE.name, portalJob.parse({ portalId }), {
    singletonKey: String(portalId),
    startAfter: startAfterSeconds,
    ...(db === null ? {} : { db: bossDb(db) }),
  });
}

/** Queues the portal's completion job; given a transaction, it commits with the caller's writes. */
export function enqueueCompletion(
  boss: Boss,
  db: Queryable | null,
  portalId: number,
  startAfterSeconds = COMPLETION_DEBOUNCE_SECONDS,
) {
  return boss.send(COMPLETION_QUEUE.name, portalJob.parse({ portalId }), {
    singletonKey: String(portalId),
    startAfter: startAfterSeconds,
    ...(db === null ? {} : { db: bossDb(db) }),
  });
}
