import type { DoNotCallStatus } from '@fundraising/shared';
import type { Queryable } from '../../db/pool.js';
import { queryRow, queryRows, type RowOf } from '../../db/statement.js';
import { maskPhone } from '../../logger.js';
import * as q from '../queries.js';

type SuppressionRow = RowOf<typeof q.SUPPRESSIONS_FOR_VIEW>;
type DecisionRow = RowOf<typeof q.LOAD_DNC>;

/**
 * The contact's do-not-call as the card shows it: which of its numbers are on the portal's list and why (what
 * actually stops a dial), the last decision a person made here, and whether HubSpot has it yet.
 */
export async function doNotCallStatus(
  db: Queryable,
  portalId: number,
  contactId: string,
): Promise<DoNotCallStatus> {
  const [footprint, decision] = await Promise.all([
    queryRow(db, q.CONTACT_FOOTPRINT, [portalId, contactId]),
    queryRow(db, q.LOAD_DNC, [portalId, contactId]),
  ]);
  const phones = [...new Set([...(footprint?.phones ?? []), ...(decision?.phones ?? [])])];
  const suppressions =
    phones.length === 0 ? [] : await queryRows(db, q.SUPPRESSIONS_FOR_VIEW, [portalId, phones]);
  return statusFrom(suppressions, decision ?? null);
}

export function statusFrom(
  suppressions: readonly SuppressionRow[],
  decision: DecisionRow | null,
): DoNotCallStatus {
  return {
    // On when a number is blocked, or when a person set it (a contact with no number is blocked by the property).
    active: suppressions.length > 0 || decision?.do_not_call === true,
    numbers: suppressions.map((s) => ({
      maskedPhone: maskPhone(s.phone),
      reason: s.reason,
      source: s.source,
      since: s.created_at.toISOString(),
    })),
    lastChange:
      decision === null
        ? null
        : {
            doNotCall: decision.do_not_call,
            reason: decision.reason,
            byUserId: decision.changed_by_user_id === null ? null : Number(decision.changed_by_user_id),
            at: decision.changed_at.toISOString(),
          },
    hubspot:
      decision === null
        ? null
        : { properties: decision.properties, status: decision.sync_status, error: decision.last_error },
  };
}
