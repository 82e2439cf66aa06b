import type { DiallingState } from '@fundraising/shared';
import type { ServiceDeps } from '../core/deps.js';
import type { Queryable } from '../db/pool.js';
import { queryRow } from '../db/statement.js';
import * as q from './queries.js';

/**
 * The global "stop all dialling" switch, kept in Postgres so every process sees it: the dispatcher claims nothing
 * while it is on and placement dials no claimed attempt (it releases it, to be retried once dialling resumes), so
 * new dials stop within one dispatch tick. Calls already going on are never cut off.
 */

/** Who sets the switch from the start-up variable. */
export const STARTUP_SETTER = 'env:DIALLING_STOPPED';
/** The reason a claimed attempt is given back while dialling is stopped. */
export const DIALLING_STOPPED_REASON = 'dialling_stopped';

type SwitchDeps = Pick<ServiceDeps, 'pool' | 'clock' | 'logger'>;

function stateOf(row: q.SwitchRow | undefined): DiallingState {
  return {
    stopped: row?.stopped ?? false,
    reason: row?.reason ?? null,
    changedBy: row?.changed_by ?? null,
    changedAt: row?.changed_at?.toISOString() ?? null,
  };
}

export async function diallingState(db: Queryable): Promise<DiallingState> {
  return stateOf(await queryRow(db, q.READ_SWITCH, []));
}

/** True while all dialling is stopped. Read by each dispatcher tick and each placement (one indexed row). */
export async function isDiallingStopped(db: Queryable): Promise<boolean> {
  return (await queryRow(db, q.READ_SWITCH, []))?.stopped ?? false;
}

export async function setDialling(
  deps: SwitchDeps,
  change: { readonly stopped: boolean; readonly reason?: string | undefined; readonly by: string },
): Promise<DiallingState> {
  const reason = change.stopped ? (change.reason ?? `stopped by ${change.by}`) : null;
  const row = await queryRow(deps.pool, q.SET_SWITCH, [
    change.stopped,
    reason,
    change.by,
    new Date(deps.clock.now()),
  ]);
  const state = stateOf(row);
  deps.logger.warn(
    { dialling: state.stopped ? 'stopped' : 'running', by: change.by, reason },
    state.stopped ? 'all dialling stopped' : 'dialling resumed',
  );
  return state;
}

/**
 * At start-up: DIALLING_STOPPED=true stops dialling before any loop starts. Unset or false lifts only a stop the
 * variable itself made; a stop an operator made at run time holds across restarts until an operator lifts it.
 */
export async function applyDiallingAtStartup(deps: SwitchDeps, stopped: boolean): Promise<DiallingState> {
  if (stopped) {
    return setDialling(deps, {
      stopped: true,
      reason: 'DIALLING_STOPPED=true at start-up',
      by: STARTUP_SETTER,
    });
  }
  const cleared = await queryRow(deps.pool, q.CLEAR_SWITCH_SET_BY, [
    STARTUP_SETTER,
    STARTUP_SETTER,
    new Date(deps.clock.now()),
  ]);
  if (cleared)
    deps.logger.warn({ by: STARTUP_SETTER }, 'dialling resumed: DIALLING_STOPPED is no longer set');
  return diallingState(deps.pool);
}

/** The /readyz detail: whether dialling runs, and who stopped it, when and why (never a readiness failure). */
export async function diallingReadiness(db: Queryable): Promise<Record<string, unknown>> {
  const state = await diallingState(db).catch(() => null);
  if (!state) return { dialling: 'unknown' };
  if (!state.stopped) return { dialling: 'running' };
  return {
    dialling: 'stopped',
    diallingStopped: { by: state.changedBy, since: state.changedAt, reason: state.reason },
  };
}
