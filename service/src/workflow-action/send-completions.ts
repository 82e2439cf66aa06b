import type { ServiceDeps } from '../core/deps.js';
import { execute, queryRow, queryRows, type RowOf } from '../db/statement.js';
import type { HubSpotPortalClient } from '../hubspot/index.js';
import type { Logger } from '../logger.js';
import { describeError, halves, isRejection } from '../writeback/index.js';
import * as q from './queries.js';

/**
 * The completion job of one portal: its settled enrolments go to HubSpot's batch completion endpoint, 100 per
 * request, in order. Enrolments past their expiry are marked expired instead: HubSpot has already moved their
 * workflows on. A batch HubSpot refuses as a whole (a 4xx about its content, e.g. a callback it no longer knows) is
 * split in halves until the refused ones are alone; those are kept as failed, not retried. Anything else (429s past
 * the client's own retries, 5xx, no answer) stops the run and throws, so pg-boss retries with backoff; re-sending a
 * completion HubSpot may already have is harmless.
 */

type SettledRow = RowOf<typeof q.NEXT_SETTLED>;

export const COMPLETIONS_PER_REQUEST = 100;
/** Beyond this a run stops and leaves the rest to the next job, so one job never runs unbounded. */
const MAX_PER_RUN = 5_000;

export class CompletionsPendingError extends Error {
  constructor(portalId: number, reason: string) {
    super(`workflow callback completions of portal ${portalId} still pending: ${reason}`);
    this.name = 'CompletionsPendingError';
  }
}

export interface CompletionSummary {
  readonly portalId: number;
  readonly completed: number;
  readonly failed: number;
  readonly expired: number;
}

export async function sendCompletions(deps: ServiceDeps, portalId: number): Promise<CompletionSummary> {
  const log = deps.logger.child({ job: 'workflow-completion', portalId });
  const at = new Date(deps.clock.now());
  // A disconnected portal cannot be written to: its completions wait for it to install the app again (or expire).
  if ((await queryRow(deps.pool, q.PORTAL_STATUS, [portalId]))?.status !== 'connected') {
    return { portalId, completed: 0, failed: 0, expired: 0 };
  }
  const expired = await queryRows(deps.pool, q.EXPIRE_OPEN, [portalId, at]);
  if (expired.length > 0) {
    log.warn({ expired: expired.length }, 'workflow enrolments expired before their outcome could be sent');
  }
  const summary = { portalId, completed: 0, failed: 0, expired: expired.length };
  const client = deps.hubspot.forPortal(portalId);
  let cursor = '0';
  while (summary.completed + summary.failed < MAX_PER_RUN) {
    const rows = await queryRows(deps.pool, q.NEXT_SETTLED, [portalId, cursor, COMPLETIONS_PER_REQUEST]);
    if (rows.length === 0) break;
    const first = rows[0]?.id ?? cursor;
    cursor = rows[rows.length - 1]?.id ?? cursor;
    try {
      const sent = await send(deps, client, portalId, rows, log);
      summary.completed += sent.completed;
      summary.failed += sent.failed;
    } catch (err) {
      const reason = describeError(err);
      await execute(deps.pool, q.NOTE_FAILED_RUN, [portalId, first, reason, new Date(deps.clock.now())]);
      log.warn({ err, ...summary }, 'HubSpot did not take the callback completions; retrying later');
      throw new CompletionsPendingError(portalId, reason);
    }
  }
  if (summary.completed + summary.failed + summary.expired > 0) {
    log.info(summary, 'workflow callback completions sent');
  }
  return summary;
}

/** One batch, split on refusals; throws on anything that is not HubSpot refusing the batch's content. */
async function send(
  deps: ServiceDeps,
  client: HubSpotPortalClient,
  portalId: number,
  rows: readonly SettledRow[],
  log: Logger,
): Promise<{ completed: number; failed: number }> {
  try {
    await client.completeWorkflowCallbacks(
      rows.map((r) => ({
        callbackId: r.callback_id,
        outputFields: { ...r.outputs, hs_execution_state: r.execution_state },
      })),
    );
  } catch (err) {
    if (!isRejection(err)) throw err;
    if (rows.length === 1) {
      const error = describeError(err);
      await finish(deps, portalId, rows, 'failed', error);
      log.error(
        { callbackId: rows[0]?.callback_id, error },
        'HubSpot refused a callback completion; kept as failed',
      );
      return { completed: 0, failed: 1 };
    }
    const [left, right] = halves(rows);
    const a = await send(deps, client, portalId, left, log);
    const b = await send(deps, client, portalId, right, log);
    return { completed: a.completed + b.completed, failed: a.failed + b.failed };
  }
  await finish(deps, portalId, rows, 'completed', null);
  return { completed: rows.length, failed: 0 };
}

function finish(
  deps: ServiceDeps,
  portalId: number,
  rows: readonly SettledRow[],
  status: 'completed' | 'failed',
  error: string | null,
) {
  return execute(deps.pool, q.FINISH, [
    portalId,
    rows.map((r) => r.id),
    status,
    error,
    new Date(deps.clock.now()),
  ]);
}
