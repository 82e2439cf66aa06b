import type { CampaignStatus } from '@fundraising/shared';
import { realSlackMs } from '../core/clock.js';
import type { ServiceDeps } from '../core/deps.js';
import { withTransaction } from '../db/pool.js';
import { queryRows } from '../db/statement.js';
import * as q from './queries.js';
import { enqueueCompletion, enqueueEnrol } from './queues.js';
import { settleForContacts, settleNotCalled } from './settle.js';

/**
 * Every minute, the safety net of the workflow action:
 * - enrolments whose contact became final other than by a recorded outcome (skipped at dispatch or at dial time,
 *   a dial HubSpot or ElevenLabs refused) settle here, within a minute;
 * - enrolments whose campaign was cancelled or completed before their contact was called settle as not_called;
 * - enrolments past their expiry are marked expired (HubSpot moved their workflows on);
 * - portals with received or settled enrolments that no run touched for a while (a lost job, or one whose
 *   retries ran out) get their job again. Expiry bounds how long any enrolment is retried.
 */

/** Well past the debounce and a run (real time: realSlackMs): a row this old that no run touched was missed. */
export const STRANDED_AFTER_MS = 5 * 60_000;
const BATCH = 1_000;

export interface SweepSummary {
  readonly settled: number;
  readonly campaignEnded: number;
  readonly expired: number;
  readonly requeued: number;
}

export async function sweepWorkflowEnrolments(deps: ServiceDeps): Promise<SweepSummary> {
  const now = deps.clock.now();
  let settled = 0;
  for (const group of await queryRows(deps.pool, q.FINAL_BUT_WAITING, [BATCH])) {
    const portalId = Number(group.portal_id);
    settled += await withTransaction(deps.pool, (tx) =>
      settleForContacts(tx, deps.boss, portalId, group.campaign_contact_ids, now),
    );
  }

  const ended = await queryRows(deps.pool, q.STRANDED_BY_CAMPAIGN, [BATCH]);
  const byPortal = new Map<number, { id: string; campaignStatus: CampaignStatus }[]>();
  for (const row of ended) {
    const portalId = Number(row.portal_id);
    byPortal.set(portalId, [
      ...(byPortal.get(portalId) ?? []),
      { id: row.id, campaignStatus: row.campaign_status },
    ]);
  }
  let campaignEnded = 0;
  for (const [portalId, rows] of byPortal) {
    campaignEnded += await withTransaction(deps.pool, (tx) =>
      settleNotCalled(
        tx,
        deps.boss,
        portalId,
        rows.map((r) => ({
          id: r.id,
          from: 'waiting' as const,
          reason:
            r.campaignStatus === 'cancelled'
              ? ('campaign_cancelled' as const)
              : ('campaign_completed' as const),
        })),
        now,
      ),
    );
  }

  const expired = (await queryRows(deps.pool, q.EXPIRE_ALL_OPEN, [new Date(now)])).reduce(
    (n, r) => n + r.n,
    0,
  );
  const stranded = await queryRows(deps.pool, q.STRANDED_PORTALS, [
    new Date(now - realSlackMs(deps.clock, STRANDED_AFTER_MS)),
  ]);
  for (const portal of stranded) {
    const portalId = Number(portal.portal_id);
    if (portal.received) await enqueueEnrol(deps.boss, null, portalId, 0);
    if (portal.settled) await enqueueCompletion(deps.boss, null, portalId, 0);
  }
  const summary = { settled, campaignEnded, expired, requeued: stranded.length };
  if (settled + campaignEnded + expired + stranded.length > 0) {
    deps.logger.warn({ job: 'workflow-action-sweep', ...summary }, 'workflow enrolments swept');
  }
  return summary;
}
