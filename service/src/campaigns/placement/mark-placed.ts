import type { PoolClient } from '../../db/pool.js';
import { bossDb, type EngineDeps, type EngineSettings } from '../engine-deps.js';
import { type CallTiming, firstCheckAt } from './call-check-policy.js';
import * as q from './placement-queries.js';
import { CALL_CHECK_QUEUE } from './placement-queue.js';

/** How a call's looks are timed, for a call that may last `maxCallDurationSecs` (see agent-call-limits.ts). */
export function callTimingOf(settings: EngineSettings, maxCallDurationSecs: number): CallTiming {
  return {
    ringingTimeoutSecs: settings.ringingTimeoutSecs,
    maxCallDurationSecs,
    providerTimeScale: settings.providerTimeScale,
    noTraceGraceMs: settings.noTraceGraceMs,
  };
}

/**
 * Records that the call exists (from the dial's answer, or found by reconciliation), counts the attempt, and
 * schedules the call's first look at the provider, all in the caller's transaction. False when the attempt was
 * already past `dialing`/`unknown` (e.g. its webhook beat the dial's answer and ended it).
 */
export async function markPlaced(
  deps: EngineDeps,
  tx: PoolClient,
  attempt: { readonly id: string; readonly portalId: number; readonly campaignContactId: string },
  call: {
    readonly conversationId: string;
    readonly callSid: string | null;
    /** The agent's maximum call duration (maxCallDurationFor), read before the transaction began. */
    readonly maxCallDurationSecs: number;
  },
): Promise<boolean> {
  const now = deps.clock.now();
  const checkAt = firstCheckAt(now, callTimingOf(deps.settings, call.maxCallDurationSecs));
  const at = new Date(now);
  const placed = await tx.query(q.MARK_ATTEMPT_PLACED, [
    attempt.id,
    call.conversationId,
    call.callSid,
    at,
    new Date(checkAt),
  ]);
  if (placed.rowCount !== 1) return false;
  await tx.query(q.COUNT_ATTEMPT, [attempt.campaignContactId, at]);
  await scheduleCallCheck(deps, tx, { attemptId: attempt.id, portalId: attempt.portalId }, checkAt);
  return true;
}

/**
 * Sends the look due at `atMs` (engine time). The delay is relative: pg-boss starts jobs by the database's clock,
 * which tests and the demo do not shift along with the engine's.
 */
export async function scheduleCallCheck(
  deps: Pick<EngineDeps, 'boss' | 'clock'>,
  tx: PoolClient,
  job: { readonly attemptId: string; readonly portalId: number },
  atMs: number,
): Promise<void> {
  const delaySecs = Math.max(0, (atMs - deps.clock.now()) / 1000);
  await deps.boss.send(CALL_CHECK_QUEUE.name, job, {
    ...(delaySecs > 0 ? { startAfter: Number(delaySecs.toFixed(3)) } : {}),
    db: bossDb(tx),
  });
}
