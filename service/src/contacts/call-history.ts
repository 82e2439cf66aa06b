import {
  CALL_OUTCOMES,
  type CallOutcome,
  type ContactCall,
  type ContactCallsPage,
} from '@fundraising/shared';
import type { Queryable } from '../db/pool.js';
import { queryRow, queryRows, type RowOf } from '../db/statement.js';
import { conversationUrl } from '../writeback/index.js';
import * as q from './queries.js';

/**
 * One contact's AI calls across the portal's campaigns, newest first. A contact never called (or one this portal
 * does not have) has an empty history: that is a normal answer for the contact tab, and it shows nothing of any
 * other portal, whose rows the portal filter never reaches.
 */
export async function contactCallHistory(
  db: Queryable,
  portalId: number,
  contactId: string,
  page: { readonly offset: number; readonly limit: number },
): Promise<ContactCallsPage> {
  const [rows, count] = await Promise.all([
    queryRows(db, q.CONTACT_CALLS, [portalId, contactId, page.limit, page.offset]),
    queryRow(db, q.COUNT_CONTACT_CALLS, [portalId, contactId]),
  ]);
  return { items: rows.map(toContactCall), total: count?.n ?? 0, offset: page.offset, limit: page.limit };
}

const isOutcome = (value: string | null): value is CallOutcome =>
  value !== null && (CALL_OUTCOMES as readonly string[]).includes(value);

export function toContactCall(row: RowOf<typeof q.CONTACT_CALLS>): ContactCall {
  return {
    attemptId: row.attempt_id,
    campaign: { id: row.campaign_id, name: row.campaign_name },
    at: row.started_at.toISOString(),
    endedAt: row.ended_at?.toISOString() ?? null,
    status: row.status === 'ended' ? 'ended' : 'in_progress',
    // An outcome this build does not know (written by a newer one) shows as none rather than failing the page.
    outcome: isOutcome(row.outcome) ? row.outcome : null,
    durationSeconds: row.duration_secs,
    summary: row.summary,
    pledge:
      row.pledge_amount === null ? null : { amount: row.pledge_amount, frequency: row.pledge_frequency },
    conversationId: row.conversation_id,
    conversationUrl: row.conversation_id === null ? null : conversationUrl(row.conversation_id),
  };
}
