import { pauseCampaign } from '../campaigns/index.js';
import { AppError } from '../core/app-error.js';
import type { ServiceDeps } from '../core/deps.js';
import { execute, queryRows } from '../db/statement.js';
import * as q from './queries.js';

export interface DisconnectResult {
  /** False when the portal was already disconnected (or unknown): nothing about it changed but leftover pauses. */
  readonly disconnected: boolean;
  /** Campaigns this call paused. */
  readonly pausedCampaignIds: readonly string[];
}

/**
 * A portal whose token was revoked or that uninstalled the app: every active campaign is paused with the reason
 * (calls in progress finish; no new dial), and the portal is marked disconnected, so the signed API refuses it and
 * nothing is sent to HubSpot for it until it installs again. Campaigns stay paused after a reinstall, for a person
 * to resume.
 *
 * Idempotent rather than one transaction (each pause is its own use case, with its audit row): campaigns are paused
 * before the portal is marked, so a crash in between leaves the portal connected and the next refused refresh (or
 * the uninstall event's retry) runs this again; a second sweep after marking catches a campaign a person launched
 * or resumed meanwhile, which the portal guard refuses from then on.
 */
export async function disconnectPortal(
  deps: ServiceDeps,
  portalId: number,
  reason: string,
): Promise<DisconnectResult> {
  const paused = await pauseActiveCampaigns(deps, portalId, reason);
  const marked = await execute(deps.pool, q.MARK_DISCONNECTED, [
    portalId,
    reason,
    new Date(deps.clock.now()),
  ]);
  paused.push(...(await pauseActiveCampaigns(deps, portalId, reason)));
  if (marked > 0 || paused.length > 0) {
    deps.logger.warn({ portalId, reason, pausedCampaigns: paused.length }, 'HubSpot portal disconnected');
  }
  return { disconnected: marked > 0, pausedCampaignIds: paused };
}

async function pauseActiveCampaigns(deps: ServiceDeps, portalId: number, reason: string): Promise<string[]> {
  const paused: string[] = [];
  for (const { id } of await queryRows(deps.pool, q.ACTIVE_CAMPAIGNS, [portalId])) {
    try {
      await pauseCampaign(deps, portalId, id, { userId: null, reason });
      paused.push(id);
    } catch (err) {
      // Paused, cancelled or finished since it was listed: nothing left to stop.
      if (err instanceof AppError && (err.status === 409 || err.status === 404)) continue;
      throw err;
    }
  }
  return paused;
}
