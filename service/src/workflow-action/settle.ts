import type { NotCalledReason } from '@fundraising/shared';
import type { PgBoss } from 'pg-boss';
import type { Queryable } from '../db/pool.js';
import { execute, queryRows } from '../db/statement.js';
import { parseOutcomeDetail } from '../writeback/index.js';
import { type Completion, completionOf, notCalled } from './completion-outputs.js';
import * as q from './queries.js';
import { enqueueCompletion } from './queues.js';

/**
 * Settling an enrolment: its outcome is known, so its outputs are fixed and the callback completion is owed to
 * HubSpot. Always inside the transaction that made the outcome known, with the portal's completion job queued in
 * it: an outcome can never be recorded without its completion being owed, nor the other way round.
 */

interface ToSettle {
  readonly id: string;
  readonly from: 'received' | 'waiting';
  readonly completion: Completion;
}

async function settle(
  tx: Queryable,
  boss: Pick<PgBoss, 'send'>,
  portalId: number,
  rows: readonly ToSettle[],
  nowMs: number,
): Promise<number> {
  if (rows.length === 0) return 0;
  const settled = await execute(tx, q.SETTLE, [
    portalId,
    rows.map((r) => r.id),
    rows.map((r) => JSON.stringify(r.completion.outputs)),
    rows.map((r) => r.completion.executionState),
    new Date(nowMs),
    rows.map((r) => r.from),
  ]);
  if (settled > 0) await enqueueCompletion(boss, tx, portalId);
  return settled;
}

/**
 * Settles the enrolments waiting on these campaign rows whose contact is now final (done after its last attempt,
 * or skipped). Rows still going on are left waiting. Returns how many settled.
 */
export async function settleForContacts(
  tx: Queryable,
  boss: Pick<PgBoss, 'send'>,
  portalId: number,
  campaignContactIds: readonly string[],
  nowMs: number,
): Promise<number> {
  if (campaignContactIds.length === 0) return 0;
  const facts = await queryRows(tx, q.FINAL_FACTS, [portalId, [...campaignContactIds]]);
  const rows = facts.map((f): ToSettle => {
    if (f.state === 'skipped') {
      return {
        id: f.id,
        from: 'waiting',
        completion: completionOf({ kind: 'skipped', skipReason: f.skip_reason }),
      };
    }
    const detail = parseOutcomeDetail(f.outcome_detail);
    return {
      id: f.id,
      from: 'waiting',
      completion: completionOf({
        kind: 'called',
        outcome: f.last_outcome,
        pledgeAmount: detail.pledgeAmount,
        pledgeFrequency: detail.pledgeFrequency,
        callbackAt: detail.callbackAt,
        summary: detail.summary,
      }),
    };
  });
  return settle(tx, boss, portalId, rows, nowMs);
}

/** Settles enrolments that will never be called (unknown campaign, contact gone, campaign ended, ...). */
export function settleNotCalled(
  tx: Queryable,
  boss: Pick<PgBoss, 'send'>,
  portalId: number,
  enrolments: readonly { id: string; from: 'received' | 'waiting'; reason: NotCalledReason }[],
  nowMs: number,
): Promise<number> {
  return settle(
    tx,
    boss,
    portalId,
    enrolments.map((e) => ({ id: e.id, from: e.from, completion: notCalled(e.reason) })),
    nowMs,
  );
}

/**
 * The hook the outcome stage calls once an outcome finished a contact (outcomes/record-outcome.ts), in its
 * transaction: any workflow enrolment following that contact's row settles with the call's outputs.
 */
export function settleWorkflowEnrolments(
  tx: Queryable,
  deps: { readonly boss: Pick<PgBoss, 'send'>; readonly clock: { now(): number } },
  contact: { readonly portalId: number; readonly campaignContactId: string },
): Promise<number> {
  return settleForContacts(tx, deps.boss, contact.portalId, [contact.campaignContactId], deps.clock.now());
}
