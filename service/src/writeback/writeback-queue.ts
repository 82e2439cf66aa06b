import type { PgBoss, SendOptions } from 'pg-boss';
import { z } from 'zod';
import { bossDb } from '../core/deps.js';
import type { Queryable } from '../db/pool.js';
import { queryRow } from '../db/statement.js';
import { defineQueue } from '../jobs/queue-definition.js';
import * as q from './queries.js';

const writebackJob = z.object({ portalId: z.number().int().positive() });
export type WritebackJob = z.infer<typeof writebackJob>;

/**
 * Where a portal's write-back job goes once its retries are spent: nothing works this queue, so the job stays
 * visible (dashboard, findJobs) until ops redrive it (`boss.redrive('crm-writeback-dead')`). The outbox rows
 * stay pending meanwhile, so nothing is lost, and the next outcome of the portal retries them anyway.
 */
export const WRITEBACK_DEAD_QUEUE = defineQueue('crm-writeback-dead', writebackJob, {
  retentionSeconds: 30 * 24 * 3600,
});

/**
 * One job per portal drains all of its pending outbox rows. 'stately' with the portal as singletonKey allows one
 * queued and one active job per portal: outcomes arriving while a job waits add nothing to the queue (their
 * rows are picked up by the waiting job), and an outcome arriving during a run queues exactly one more.
 * Retries back off up to 5 minutes (about 25 minutes in all) before the job is dead-lettered.
 */
export const WRITEBACK_QUEUE = defineQueue('crm-writeback', writebackJob, {
  policy: 'stately',
  retryLimit: 10,
  retryDelay: 5,
  retryBackoff: true,
  retryDelayMax: 300,
  expireInSeconds: 900,
  // A worker killed mid-run gives the job back within seconds: with 'stately' its active job would otherwise
  // hold the portal's write-back until expiry (15 minutes), whichever worker is still alive.
  heartbeatSeconds: 10,
  deadLetter: WRITEBACK_DEAD_QUEUE.name,
});

/**
 * Outcomes finishing within this window are written back together, in one batch per 100. At ten calls a second
 * that fills a batch (about 0.02 HubSpot requests per call); a shorter window measured 0.17 on the sandbox run of
 * 570 calls. The price is that an outcome shows in HubSpot up to about 11 seconds after the call.
 */
export const WRITEBACK_DEBOUNCE_SECONDS = 10;

export function writebackJobOptions(portalId: number, startAfterSeconds: number): SendOptions {
  return { singletonKey: String(portalId), startAfter: startAfterSeconds };
}

/**
 * Owes HubSpot the write-back of a finished attempt. Call it inside the transaction that records the outcome:
 * the outbox row and the portal's job commit with it or not at all. A replay (the row exists) changes nothing.
 * A job already waiting for the portal makes pg-boss answer null here, which is fine: that job picks the row up.
 */
export async function enqueueWriteback(
  tx: Queryable,
  boss: PgBoss,
  write: { readonly portalId: number; readonly attemptId: string },
  options: { readonly startAfterSeconds?: number } = {},
): Promise<{ queued: boolean }> {
  const inserted = await queryRow(tx, q.INSERT_WRITE, [write.portalId, write.attemptId]);
  if (inserted === undefined) return { queued: false };
  await boss.send(WRITEBACK_QUEUE.name, { portalId: write.portalId } satisfies WritebackJob, {
    ...writebackJobOptions(write.portalId, options.startAfterSeconds ?? WRITEBACK_DEBOUNCE_SECONDS),
    db: bossDb(tx),
  });
  return { queued: true };
}
