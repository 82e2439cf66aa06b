import { type AttemptJob, attemptJobSchema } from '../core/attempt-job.js';
import { realSlackMs } from '../core/clock.js';
import { bossDb, type ServiceDeps } from '../core/deps.js';
import { type PoolClient, withTransaction } from '../db/pool.js';
import { queryRows } from '../db/statement.js';
import { defineQueue } from '../jobs/queue-definition.js';
import * as q from './queries.js';

export type CallCheckJob = AttemptJob;

/**
 * One look at a placed call with no outcome yet at ElevenLabs, sent by the call-check loop when due (see
 * call-check-policy.ts): a lost webhook then frees the call's slot within a minute of the call's end. A look that
 * finds the call still running, or not yet traceable, sets when the next one is due.
 */
export const CALL_CHECK_QUEUE = defineQueue('call-check', attemptJobSchema, {
  retryLimit: 3,
  retryDelay: 5,
  retryBackoff: true,
  retryDelayMax: 60,
  expireInSeconds: 60,
  // A worker killed mid-job gives it back within seconds (not at expiry): the next one takes it over.
  heartbeatSeconds: 10,
  // The loop sends looks in batches: wake the workers at once rather than at their next poll.
  notify: true,
});

/**
 * A look sent is not sent again for this long, unless its job sets the next look itself: a job that is lost or
 * keeps failing is replaced after it. Real time (a job's wait for a worker): realSlackMs on an accelerated clock.
 */
const LOOK_LEASE_MS = 2 * 60_000;
/** Looks sent per pass; the next pass takes the rest. */
const MAX_LOOKS_PER_PASS = 500;

/**
 * Sends a `call-check` job for every placed call whose look was due at or before `dueBeforeMs`, leasing it (so no
 * other pass or process sends it again meanwhile). A call whose webhook came in time has ended and is never
 * looked at: only silent calls cost a job.
 */
export async function sendDueCallChecks(
  deps: Pick<ServiceDeps, 'boss' | 'clock'>,
  tx: PoolClient,
  dueBeforeMs: number,
): Promise<number> {
  const rows = await queryRows(tx, q.TAKE_DUE_CHECKS, [
    new Date(dueBeforeMs),
    new Date(deps.clock.now() + realSlackMs(deps.clock, LOOK_LEASE_MS)),
    MAX_LOOKS_PER_PASS,
  ]);
  if (rows.length) {
    await deps.boss.insert(
      CALL_CHECK_QUEUE.name,
      rows.map((r) => ({ data: { attemptId: r.id, portalId: Number(r.portal_id) } })),
      { db: bossDb(tx) },
    );
  }
  return rows.length;
}

export interface CallCheckLoop {
  stop(): Promise<void>;
}

/**
 * Every dispatch interval (and at once on start, so calls that ended while the service was down are looked up
 * immediately), sends the looks that have come due. Runs in every worker process; SKIP LOCKED and the lease keep
 * them from sending one look twice.
 */
export function startCallCheckLoop(deps: ServiceDeps): CallCheckLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const pass = async () => {
    try {
      const sent = await withTransaction(deps.pool, (tx) => sendDueCallChecks(deps, tx, deps.clock.now()));
      if (sent > 0) deps.logger.debug({ sent }, 'placed calls due for a look at ElevenLabs');
    } catch (err) {
      deps.logger.error({ err }, 'sending due call looks failed');
    }
  };
  const schedule = (ms: number) => {
    timer = setTimeout(() => {
      running = pass().finally(() => {
        running = undefined;
        if (!stopped) schedule(deps.settings.dispatchIntervalMs);
      });
    }, ms);
  };
  schedule(0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
