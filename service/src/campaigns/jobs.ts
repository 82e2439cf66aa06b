import type { ServiceDeps } from '../core/deps.js';
import {
  defineWorker,
  type QueueDefinition,
  type ScheduleDefinition,
  type Worker,
} from '../jobs/queue-definition.js';
import { IMPORT_QUEUE, importCampaign } from './import/index.js';
import { type PlacementHooks, placeCall } from './placement/place-call.js';
import { PLACE_CALL_QUEUE, RECONCILE_DIAL_QUEUE } from './placement/placement-queue.js';
import { reconcileDial } from './placement/reconcile-dial.js';
import { SWEEP_QUEUE, sweepStuckAttempts } from './placement/sweep-stuck-attempts.js';

/** The campaign engine's queues, in creation order. */
export const CAMPAIGN_QUEUES: readonly QueueDefinition<unknown>[] = [
  IMPORT_QUEUE,
  PLACE_CALL_QUEUE,
  RECONCILE_DIAL_QUEUE,
  SWEEP_QUEUE,
];

export const CAMPAIGN_SCHEDULES: readonly ScheduleDefinition[] = [{ queue: SWEEP_QUEUE, cron: '* * * * *' }];

/**
 * The engine's workers. Placement runs as many jobs at once as the account may have calls in flight (each job
 * mostly waits: on HubSpot, on pacing, on the dial). A new placement job wakes them all at once (LISTEN/NOTIFY), so
 * their own polling is only a backstop, for a job given back by a killed worker: every 5 s. Polling twice a second,
 * each of the account-cap-many handlers of every worker process cost Postgres about 280 queries a second per idle
 * worker (the scale-out benchmark). Without a listener (it dropped) they poll twice a second again.
 */
export function campaignWorkers(deps: ServiceDeps, hooks: PlacementHooks = {}): Worker[] {
  return [
    defineWorker({
      queue: IMPORT_QUEUE,
      options: { pollingIntervalSeconds: 1, localConcurrency: 2 },
      handle: (data) => importCampaign(deps, data),
    }),
    defineWorker({
      queue: PLACE_CALL_QUEUE,
      options: {
        pollingIntervalSeconds: 0.5,
        notifyPollingIntervalSeconds: 5,
        localConcurrency: Math.max(4, deps.settings.accountConcurrencyCap),
      },
      handle: (data) => placeCall(deps, data, hooks),
    }),
    defineWorker({
      queue: SWEEP_QUEUE,
      options: { pollingIntervalSeconds: 5 },
      handle: () => sweepStuckAttempts(deps),
    }),
    defineWorker({
      queue: RECONCILE_DIAL_QUEUE,
      options: { pollingIntervalSeconds: 2, localConcurrency: 2 },
      handle: (data) => reconcileDial(deps, data),
    }),
  ];
}
