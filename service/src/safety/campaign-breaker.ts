import { AppError } from '../core/app-error.js';
import type { ServiceDeps } from '../core/deps.js';
import { queryRows } from '../db/statement.js';
import { maskPhone } from '../logger.js';
import {
  type BreakerPolicy,
  type BreakerVerdict,
  breakerVerdict,
  DEFAULT_BREAKER_POLICY,
  type DialResultSummary,
  summarizeAttempt,
} from './breaker-rule.js';
import * as q from './queries.js';

/** Pauses a campaign as the service (user null) with the reason stored on it; campaigns' own pause use case. */
export type PauseForSafety = (
  portalId: number,
  campaignId: string,
  actor: { userId: null; reason: string },
) => Promise<unknown>;

/**
 * Looks at a campaign's recent dial results after a dial went wrong, and pauses it when the rule says so. It reads
 * the results from Postgres, so dials placed by any worker process count; two workers tripping at once pause the
 * campaign once (the second finds it paused already). Never throws: a failing look must not fail the placement.
 */
export async function checkCampaignBreaker(
  deps: ServiceDeps,
  campaign: { readonly portalId: number; readonly campaignId: string },
  latest: DialResultSummary,
  pause: PauseForSafety,
  policy: BreakerPolicy = DEFAULT_BREAKER_POLICY,
): Promise<BreakerVerdict> {
  try {
    const since = new Date(deps.clock.now() - policy.maxAgeMs);
    const rows = await queryRows(deps.pool, q.RECENT_DIAL_RESULTS, [
      campaign.campaignId,
      since,
      policy.window,
    ]);
    const verdict = breakerVerdict(
      rows.map((r) => summarizeAttempt(r.status, r.not_placed_reason)),
      latest,
      policy,
    );
    if (!verdict.trip) return verdict;
    // The reason quotes ElevenLabs' message, which may name the number dialled: masked before it is stored.
    const reason = verdict.reason.replace(/\+\d{6,15}/g, (n) => maskPhone(n));
    try {
      await pause(campaign.portalId, campaign.campaignId, { userId: null, reason });
      deps.logger.error({ ...campaign, reason }, 'safety breaker paused a campaign');
    } catch (error) {
      // Already paused (by another worker's breaker, or a person): nothing more to do.
      if (!(error instanceof AppError && error.code === 'invalid_state')) throw error;
    }
    return { trip: true, reason };
  } catch (error) {
    deps.logger.error({ err: error, ...campaign }, 'safety breaker could not look at the campaign');
    return { trip: false };
  }
}
