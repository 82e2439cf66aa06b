import {
  CALL_OUTCOMES,
  CAMPAIGN_STATUSES,
  CONTACT_CAMPAIGN_STATES,
  type ContactCampaignState,
  type ContactState,
  SKIP_REASONS,
} from '@fundraising/shared';
import type { Queryable } from '../db/pool.js';
import { queryRows, type RowOf } from '../db/statement.js';
import { doNotCallStatus } from './do-not-call/dnc-status.js';
import { localTimesOf } from './local-time.js';
import * as q from './queries.js';

/**
 * The contact in the portal's active and paused campaigns (state, attempts, when it is next due, in its own local
 * time too, why it waits, the last outcome) and its do-not-call status. A contact this portal has no rows for gets
 * no campaigns and no do-not-call: nothing of another portal is ever read.
 */
export async function contactState(
  db: Queryable,
  portalId: number,
  contactId: string,
): Promise<ContactState> {
  const [rows, doNotCall] = await Promise.all([
    queryRows(db, q.CONTACT_CAMPAIGN_STATES, [portalId, contactId]),
    doNotCallStatus(db, portalId, contactId),
  ]);
  return { contactId, doNotCall, campaigns: rows.map(toCampaignState) };
}

/** A value of a closed set, or the fallback (a value written by a newer build must not fail the view). */
function oneOf<T extends string>(values: readonly T[], value: string | null): T | null {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : null;
}

export function toCampaignState(row: RowOf<typeof q.CONTACT_CAMPAIGN_STATES>): ContactCampaignState {
  // Only a queued contact has a next attempt; a dialing one is being called now, done and skipped ones never are.
  const due = row.state === 'queued' && row.next_attempt_at !== null ? row.next_attempt_at : null;
  return {
    campaign: {
      id: row.campaign_id,
      name: row.campaign_name,
      status: oneOf(CAMPAIGN_STATUSES, row.campaign_status) ?? 'active',
    },
    state: oneOf(CONTACT_CAMPAIGN_STATES, row.state) ?? 'done',
    skipReason: oneOf(SKIP_REASONS, row.skip_reason),
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    nextAttempt:
      due === null ? null : { at: due.toISOString(), local: localTimesOf(due.getTime(), row.time_zones) },
    waitReason: due === null ? null : row.wait_reason,
    lastOutcome: oneOf(CALL_OUTCOMES, row.last_outcome),
    lastAttemptAt: row.last_attempt_at?.toISOString() ?? null,
  };
}
