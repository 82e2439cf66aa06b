import type { ServiceDeps } from '../../core/deps.js';
import { withTransaction } from '../../db/pool.js';
import { execute, queryRow } from '../../db/statement.js';
import { markPlaced } from './mark-placed.js';
import type { AttemptJob } from './placement-queue.js';
import * as q from './queries.js';

export class StillUnknownError extends Error {
  constructor(attemptId: string) {
    super(`no conversation found yet for attempt ${attemptId}; will look again`);
    this.name = 'StillUnknownError';
  }
}

/**
 * Settles an attempt whose dial result is unknown, by asking ElevenLabs for conversations carrying our attempt
 * id (sent as user_id). Found: the call was placed, and its outcome will follow. Not found: look again later
 * (the job throws and pg-boss retries with backoff), and only once the grace period has passed with no trace is
 * the attempt declared never placed and the contact allowed to be dialled again.
 */
export async function reconcileDial(
  deps: ServiceDeps,
  job: AttemptJob,
): Promise<'placed' | 'not_placed' | 'settled'> {
  const row = await queryRow(deps.pool, q.LOAD_UNKNOWN_DIAL, [job.attemptId, job.portalId]);
  if (row?.status !== 'unknown') return 'settled';

  const startedAt = row.dial_started_at?.getTime() ?? deps.clock.now();
  // Our attempt id is unique, so no time filter: the provider's clock is not ours, and a filter computed from
  // our clock could hide the very call we are looking for (and then we would redial a donor who was rung).
  const page = await deps.elevenlabs.listConversations({
    agentId: row.agent_id,
    userId: row.id,
    pageSize: 10,
  });
  const match = page.conversations[0];
  const at = new Date(deps.clock.now());
  if (match) {
    await withTransaction(deps.pool, (tx) =>
      markPlaced(
        deps,
        tx,
        { id: row.id, campaignContactId: row.campaign_contact_id },
        { conversationId: match.conversationId, callSid: null },
      ),
    );
    deps.logger.info(
      { attemptId: row.id, conversationId: match.conversationId },
      'unknown dial reconciled: placed',
    );
    return 'placed';
  }
  if (deps.clock.now() - startedAt < deps.settings.unknownDialGraceMs) throw new StillUnknownError(row.id);
  await withTransaction(deps.pool, async (tx) => {
    await execute(tx, q.MARK_ATTEMPT_NOT_PLACED, [row.id, 'reconciled: no conversation', at]);
    await execute(tx, q.REQUEUE_CONTACT, [row.campaign_contact_id, at, 'redial_after_unknown', at]);
  });
  deps.logger.warn(
    { attemptId: row.id },
    'unknown dial reconciled: never placed, contact may be dialled again',
  );
  return 'not_placed';
}
