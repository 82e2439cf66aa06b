import type { HubSpotSurfaceContext } from '../api/index.js';
import {
  defineWorker,
  type QueueDefinition,
  type ScheduleDefinition,
  type Worker,
} from '../jobs/queue-definition.js';
import { PORTAL_SETUP_DEAD_QUEUE, PORTAL_SETUP_QUEUE, setUpPortal } from './portal-setup.js';
import { disconnectWhenRevoked } from './revocations.js';

/** This feature's queues in creation order (a dead-letter queue before the queue that uses it). */
export const INSTALL_QUEUES: readonly QueueDefinition<unknown>[] = [
  PORTAL_SETUP_DEAD_QUEUE,
  PORTAL_SETUP_QUEUE,
];

export const INSTALL_SCHEDULES: readonly ScheduleDefinition[] = [];

/**
 * The first-time setup of installed portals (one at a time: installs are rare, and each waits on its portal's
 * HubSpot limit). Also makes this process disconnect a portal whose refresh token HubSpot refuses.
 */
export function installWorkers(ctx: HubSpotSurfaceContext): Worker[] {
  disconnectWhenRevoked(ctx);
  return [
    defineWorker({
      queue: PORTAL_SETUP_QUEUE,
      options: { pollingIntervalSeconds: 2 },
      handle: (data) => setUpPortal(ctx.deps, data.portalId),
    }),
  ];
}
