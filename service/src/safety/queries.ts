import { sql } from '../db/statement.js';

/** The safety switches' SQL: the global dialling switch (one row) and a campaign's recent dial results. */

export interface SwitchRow {
  stopped: boolean;
  reason: string | null;
  changed_by: string | null;
  changed_at: Date | null;
}

export const READ_SWITCH = sql<SwitchRow, []>(
  'SELECT stopped, reason, changed_by, changed_at FROM dialling_switch WHERE singleton',
);

export const SET_SWITCH = sql<
  SwitchRow,
  [stopped: boolean, reason: string | null, changedBy: string, at: Date]
>(`
  UPDATE dialling_switch SET stopped = $1, reason = $2, changed_by = $3, changed_at = $4
   WHERE singleton
  RETURNING stopped, reason, changed_by, changed_at`);

/** Clears a stop only if `changedBy` set it (the start-up variable never lifts a stop an operator made). */
export const CLEAR_SWITCH_SET_BY = sql<SwitchRow, [setBy: string, changedBy: string, at: Date]>(`
  UPDATE dialling_switch SET stopped = false, reason = NULL, changed_by = $2, changed_at = $3
   WHERE singleton AND stopped AND changed_by = $1
  RETURNING stopped, reason, changed_by, changed_at`);

/**
 * A campaign's latest dial results, newest first: dials that left (a dial time) and have a result (placed or
 * ended, or certainly not placed), since the later of `since` and the campaign's last launch or resume, so a
 * resumed campaign starts with a clean slate. At-capacity answers are the account's concurrency, not a fault of
 * the campaign, and are left out; so are dials still going on or with an unknown result.
 */
export const RECENT_DIAL_RESULTS = sql<
  { status: string; not_placed_reason: string | null },
  [campaignId: string, since: Date, limit: number]
>(`
  SELECT a.status, a.not_placed_reason
    FROM call_attempts a
   WHERE a.campaign_id = $1
     AND a.dial_started_at IS NOT NULL
     AND a.dial_started_at >= greatest($2::timestamptz,
           coalesce((SELECT max(ch.at) FROM campaign_changes ch
                      WHERE ch.campaign_id = $1 AND ch.action IN ('launched', 'resumed')), '-infinity'))
     AND a.status IN ('placed', 'ended', 'not_placed')
     AND NOT (a.status = 'not_placed' AND a.not_placed_reason LIKE 'at\\_capacity%')
   ORDER BY a.dial_started_at DESC, a.id DESC
   LIMIT $3`);
