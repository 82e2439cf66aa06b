import { z } from 'zod';
import { queryRows } from '../db/statement.js';
import { defineQueue } from '../jobs/queue-definition.js';
import * as q from './queries.js';
import type { WritebackDeps } from './writeback-portal.js';
import { WRITEBACK_QUEUE, writebackJobOptions } from './writeback-queue.js';

/** Every minute: no outcome may sit unwritten because its job was never queued or was lost. */
export const WRITEBACK_SWEEP_QUEUE = defineQueue(
  'crm-writeback-sweep',
  z.object({}).passthrough().nullable(),
  {
    policy: 'singleton',
    retryLimit: 0,
    expireInSeconds: 120,
  },
);

/** Well past the debounce and a run: a row this old that no run touched was missed. */
export const STRANDED_AFTER_SECONDS = 300;

/**
 * Queues a write-back job for each portal with rows no run has touched. Rows a run did touch (failing ones)
 * are left to the job's retries and the dead-letter queue, so a lasting HubSpot failure is not retried forever.
 */
export async function sweepStrandedWritebacks(
  deps: Pick<WritebackDeps, 'pool' | 'boss' | 'logger'>,
): Promise<number> {
  const rows = await queryRows(deps.pool, q.STRANDED_PORTALS, [STRANDED_AFTER_SECONDS]);
  for (const { portal_id } of rows) {
    const portalId = Number(portal_id);
    await deps.boss.send(WRITEBACK_QUEUE.name, { portalId }, writebackJobOptions(portalId, 0));
  }
  if (rows.length > 0) deps.logger.warn({ portals: rows.length }, 'queued write-backs for stranded outcomes');
  return rows.length;
}
