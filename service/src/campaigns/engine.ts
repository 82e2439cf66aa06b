import type { ServiceDeps } from '../core/deps.js';
import {
  defineWorker,
  type QueueDefinition,
  type ScheduleDefinition,
  type Worker,
} from '../jobs/queue-definition.js';
import { startCallCheckLoop } from '../reconciliation/call-check-loop.js';
import { type Dispatcher, startDispatcher } from './dispatch/dispatcher.js';
import { IMPORT_QUEUE, importCampaign } from './import/index.js';
import { startDialCheckPrefetcher } from './placement/dial-check-prefetch.js';
import { type PlacementHooks, placeCall } from './placement/place-call.js';
import { CALL_CHECK_QUEUE, PLACE_CALL_QUEUE, RECONCILE_DIAL_QUEUE } from './placement/placement-queue.js';
import { reconcileDial } from './placement/reconcile-dial.js';
import { SWEEP_QUEUE, sweepStuckAttempts } from './placement/sweep-stuck-attempts.js';

/** The campaign engine's queues, in creation order. */
export const ENGINE_QUEUES: readonly QueueDefinition<unknown>[] = [
  IMPORT_QUEUE,
  PLACE_CALL_QUEUE,
  RECONCILE_DIAL_QUEUE,
  // Sent by the engine's call-check loop; worked by the webhooks module, which turns a finished call into its outcome.
  CALL_CHECK_QUEUE,
  SWEEP_QUEUE,
];

export const ENGINE_SCHEDULES: readonly ScheduleDefinition[] = [{ queue: SWEEP_QUEUE, cron: '* * * * *' }];

/**
 * The engine's workers. Placement runs as many jobs at once as the account may have calls in flight (each job
 * mostly waits: on HubSpot, on pacing, on the dial), polling twice a second besides LISTEN/NOTIFY wake-ups.
 */
export function engineWorkers(deps: ServiceDeps, hooks: PlacementHooks = {}): Worker[] {
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

/** The dispatch loop, with the pre-dial HubSpot reads riding on its ticks, and the loop sending due call looks. */
export function startEngineLoops(deps: ServiceDeps): Dispatcher {
  const prefetcher = startDialCheckPrefetcher(deps);
  const dispatcher = startDispatcher(deps, () => prefetcher.poke());
  const checks = startCallCheckLoop(deps);
  return {
    ...dispatcher,
    async stop() {
      await dispatcher.stop();
      await prefetcher.stop();
      await checks.stop();
    },
  };
}
