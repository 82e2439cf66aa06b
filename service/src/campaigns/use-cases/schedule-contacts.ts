import { nextAllowedInstant } from '../../calling-window/index.js';
import type { PoolClient } from '../../db/pool.js';
import { execute, queryRows } from '../../db/statement.js';
import type { Campaign } from '../campaign-model.js';
import * as q from '../queries.js';

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
  const groups = await queryRows(tx, q.contactGroups(where), [campaign.id, campaign.portalId]);
  let scheduled = 0;
  for (const g of groups) {
    const next = nextAllowedInstant(fromMs, { zones: g.time_zones, usState: g.us_state }, campaign.window);
    const at = next ?? fromMs + NO_ALLOWED_TIME_RETRY_MS;
    const reason = next === null ? 'no_allowed_time' : next > nowMs ? 'outside_window' : null;
    scheduled += await execute(tx, q.scheduleContactGroup(where), [
      campaign.id,
      campaign.portalId,
      g.time_zones,
      g.us_state,
      new Date(at),
      reason,
      new Date(nowMs),
    ]);
  }
  return scheduled;
}
