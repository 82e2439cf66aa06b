import { nextAllowedInstant } from '../../calling-window/index.js';
import type { PoolClient } from '../../db/pool.js';
import type { Campaign } from '../campaign-model.js';

const NO_ALLOWED_TIME_RETRY_MS = 24 * 3_600_000;

/**
 * Gives contacts their next allowed dial time. Contacts sharing the same candidate zones and state share the
 * answer, so the calling-window maths runs once per group, not once per contact (a million-contact launch is a
 * few dozen groups). `where` picks the rows: newly imported ones at launch, or ones waiting for the window after
 * the window was edited.
 */
export async function scheduleContacts(
  tx: PoolClient,
  campaign: Campaign,
  fromMs: number,
  where: 'imported' | 'waiting_for_window',
  nowMs: number,
): Promise<number> {
  const filter =
    where === 'imported'
      ? `state = 'imported'`
      : `state = 'queued' AND wait_reason IN ('outside_window', 'no_allowed_time')`;
  const groups = await tx.query<{ time_zones: string[]; us_state: string | null }>(
    `SELECT DISTINCT time_zones, us_state FROM campaign_contacts
      WHERE campaign_id = $1 AND portal_id = $2 AND ${filter}`,
    [campaign.id, campaign.portalId],
  );
  let scheduled = 0;
  for (const g of groups.rows) {
    const next = nextAllowedInstant(fromMs, { zones: g.time_zones, usState: g.us_state }, campaign.window);
    const at = next ?? fromMs + NO_ALLOWED_TIME_RETRY_MS;
    const reason = next === null ? 'no_allowed_time' : next > nowMs ? 'outside_window' : null;
    const updated = await tx.query(
      `UPDATE campaign_contacts
          SET state = 'queued', next_attempt_at = $5, wait_reason = $6, updated_at = $7
        WHERE campaign_id = $1 AND portal_id = $2 AND ${filter}
          AND time_zones = $3 AND us_state IS NOT DISTINCT FROM $4`,
      [campaign.id, campaign.portalId, g.time_zones, g.us_state, new Date(at), reason, new Date(nowMs)],
    );
    scheduled += updated.rowCount ?? 0;
  }
  return scheduled;
}
