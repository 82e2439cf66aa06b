import type { ServiceDeps } from '../../core/deps.js';
import type { PoolClient } from '../../db/pool.js';
import { execute } from '../../db/statement.js';
import { callTimingOf, firstCheckAt } from '../../reconciliation/index.js';
import * as q from './queries.js';

/**
 * Records that the call exists (from the dial's answer, or found by reconciliation), counts the attempt, and sets
 * when the call must be looked up at the provider if no outcome has come by then (the call-check loop sends that
 * look), all in the caller's transaction. False when the attempt was already past `dialing`/`unknown` (e.g. its
 * webhook beat the dial's answer and ended it).
 */
export async function markPlaced(
  deps: ServiceDeps,
  tx: PoolClient,
  attempt: { readonly id: string; readonly campaignContactId: string },
  call: { readonly conversationId: string; readonly callSid: string | null },
): Promise<boolean> {
  const now = deps.clock.now();
  const at = new Date(now);
  const checkAt = firstCheckAt(now, callTimingOf(deps.settings));
  const placed = await execute(tx, q.MARK_ATTEMPT_PLACED, [
    attempt.id,
    call.conversationId,
    call.callSid,
    at,
    new Date(checkAt),
  ]);
  if (placed !== 1) return false;
  await execute(tx, q.COUNT_ATTEMPT, [attempt.campaignContactId, at]);
  return true;
}
