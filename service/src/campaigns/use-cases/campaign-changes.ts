import type { Queryable } from '../../db/pool.js';
import { execute } from '../../db/statement.js';
import * as q from '../queries.js';

/**
 * Who changes a campaign: a HubSpot user (the id HubSpot put in the signed request), or the service itself
 * (userId null), e.g. pausing a disconnected portal's campaigns. `reason` is stored on the campaign when the
 * service set its status, so the card can say why.
 */
export interface Actor {
  readonly userId: number | null;
  readonly reason?: string;
}

export const SERVICE_ACTOR: Actor = { userId: null };

export async function recordChange(
  db: Queryable,
  change: {
    portalId: number;
    campaignId: string;
    actor: Actor;
    action: string;
    at: number;
    detail?: unknown;
  },
): Promise<void> {
  await execute(db, q.INSERT_CAMPAIGN_CHANGE, [
    change.portalId,
    change.campaignId,
    change.actor.userId,
    change.action,
    { ...(change.detail as object), ...(change.actor.reason ? { reason: change.actor.reason } : {}) },
    new Date(change.at),
  ]);
}
