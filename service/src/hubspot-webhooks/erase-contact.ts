import { bossDb, type ServiceDeps } from '../core/deps.js';
import { withTransaction } from '../db/pool.js';
import { execute, queryRow, queryRows } from '../db/statement.js';
import {
  CONTACT_ERASURE_QUEUE,
  ERASURE_MAX_WAIT_MS,
  ERASURE_RECHECK_SECONDS,
  type ErasureJob,
  erasureJobOptions,
} from './erasure-queue.js';
import * as q from './queries.js';

export type ErasureResult = 'erased' | 'waiting' | 'not_requested';

/**
 * Carries out a HubSpot privacy deletion, in one transaction: nothing of the person is left in our tables
 * (numbers, name, variables, transcripts, summaries, ElevenLabs' event bodies, HubSpot's event bodies), while the
 * counts stay (rows keep their state, attempts and outcome; calls keep their anonymous figures) so campaign
 * statistics still add up. The contact's id stays: it names a record HubSpot no longer has.
 *
 * Pending work was cancelled when the deletion arrived. A call already under way ends normally; until it has
 * (and its post-call event is processed) the erasure waits and looks again, so the call's outcome cannot land
 * after it; past ERASURE_MAX_WAIT_MS (something is stuck) it erases anyway. Running it again changes nothing more.
 */
export async function eraseContact(deps: ServiceDeps, job: ErasureJob): Promise<ErasureResult> {
  const { portalId, contactId } = job;
  const now = new Date(deps.clock.now());
  const result = await withTransaction(deps.pool, async (tx): Promise<ErasureResult> => {
    await execute(tx, q.LOCK_CONTACTS, [[portalId], [contactId]]);
    const erasure = await queryRow(tx, q.LOCK_ERASURE, [portalId, contactId]);
    if (!erasure) return 'not_requested';
    // A call that ended since the deletion may have queued a retry: cancel again before deciding.
    await execute(tx, q.RELEASE_CLAIMS, [[portalId], [contactId], now]);
    await execute(tx, q.SKIP_PENDING, [[portalId], [contactId], now]);
    const busy = (await queryRow(tx, q.CONTACT_BUSY, [portalId, contactId]))?.busy ?? false;
    const overdue = now.getTime() - erasure.requested_at.getTime() > ERASURE_MAX_WAIT_MS;
    if (busy && overdue) {
      deps.logger.warn(
        { portalId, contactId, requestedAt: erasure.requested_at },
        'privacy deletion: the contact’s call has not settled within the wait limit; erasing anyway',
      );
    } else if (busy) {
      await deps.boss.send(CONTACT_ERASURE_QUEUE.name, job, {
        ...erasureJobOptions(job, ERASURE_RECHECK_SECONDS),
        db: bossDb(tx),
      });
      return 'waiting';
    }
    const phones = (await queryRows(tx, q.CONTACT_PHONES, [portalId, contactId])).map((r) => r.phone);
    if (phones.length > 0) await execute(tx, q.DIGEST_SUPPRESSIONS, [portalId, phones]);
    const attempts = await queryRows(tx, q.ERASE_ATTEMPTS, [portalId, contactId, now]);
    await execute(tx, q.ERASE_CAMPAIGN_CONTACTS, [portalId, contactId, now]);
    if (attempts.length > 0) {
      const ids = attempts.map((a) => a.id);
      const conversations = attempts.flatMap((a) => (a.conversation_id ? [a.conversation_id] : []));
      await execute(tx, q.ERASE_CALL_EVENTS, [portalId, ids, conversations]);
      await execute(tx, q.ABANDON_WRITES, [portalId, ids]);
    }
    await execute(tx, q.ERASE_CONTACT_EVENTS, [portalId, contactId]);
    await execute(tx, q.ERASE_DO_NOT_CALL_RECORDS, [portalId, contactId]);
    await execute(tx, q.ERASE_WORKFLOW_RECORDS, [portalId, contactId]);
    await execute(tx, q.MARK_ERASED, [portalId, contactId, now]);
    return 'erased';
  });
  const log = deps.logger.child({ portalId, contactId });
  if (result === 'erased') log.info('privacy-deleted contact erased');
  else if (result === 'waiting') log.info('privacy deletion waits for the contact’s call to end');
  else log.warn('erasure job for a contact with no privacy deletion recorded: nothing done');
  return result;
}
