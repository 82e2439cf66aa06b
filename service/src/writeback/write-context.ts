import type { Queryable } from '../db/pool.js';
import type { HubSpotPortalClient } from '../hubspot/index.js';
import type { Logger } from '../logger.js';

/** What each part of a portal's write-back works with. */
export interface WriteContext {
  readonly db: Queryable;
  readonly portalId: number;
  readonly client: HubSpotPortalClient;
  readonly logger: Logger;
  readonly now: () => number;
  /** The portal's app event type (fullyQualifiedName), or null when app events are off. */
  readonly appEventType: string | null;
}
