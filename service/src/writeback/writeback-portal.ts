import type { PgBoss } from 'pg-boss';
import type { ServiceDeps } from '../core/deps.js';
import { execute, queryRow, queryRows } from '../db/statement.js';
import { ensureCrmSetup } from './crm-schema.js';
import { describeError, type PartOutcome } from './part-outcome.js';
import { type PendingWrite, toPendingWrite } from './pending-write.js';
import * as q from './queries.js';
import { writeAppEvents } from './write-app-events.js';
import { writeCalls } from './write-calls.js';
import { writeContacts } from './write-contacts.js';
import type { WriteContext } from './write-context.js';
import { WRITEBACK_QUEUE, writebackJobOptions } from './writeback-queue.js';

export type WritebackDeps = Pick<ServiceDeps, 'pool' | 'boss' | 'hubspot' | 'logger' | 'clock' | 'metrics'>;

/** HubSpot's batch limit: one Calls create and one contacts update per page. */
export const PAGE_SIZE = 100;
/** Beyond this a run hands over to a fresh job, so one job never runs for an unbounded time. */
export const MAX_ROWS_PER_RUN = 5_000;

export interface WritebackSummary {
  readonly portalId: number;
  readonly rows: number;
  readonly done: number;
  /** Refused by HubSpot for good; kept as failed for ops. */
  readonly rejected: number;
  readonly pending: number;
}

/** Thrown when rows are left pending, so pg-boss retries with backoff and finally dead-letters the job. */
export class WritebackIncompleteError extends Error {
  constructor(portalId: number, pending: number, reason: string) {
    super(`${pending} HubSpot write-back(s) of portal ${portalId} still pending: ${reason}`);
    this.name = 'WritebackIncompleteError';
  }
}

/**
 * Drains a portal's pending write-backs, a page of up to 100 at a time: Calls engagements, then contact
 * properties, then app events. Each part is recorded as it lands, so a retry only does what is left.
 * Stops at the first page on which HubSpot was failing (the next pages would fail the same way) and throws
 * while anything is left, so the job is retried later.
 */
export async function writebackPortal(deps: WritebackDeps, portalId: number): Promise<WritebackSummary> {
  const db = await deps.pool.connect();
  // A connection that could not release the lock is closed, which releases it.
  let broken: Error | undefined;
  try {
    const locked = (await queryRow(db, q.TRY_LOCK_PORTAL, [portalId]))?.locked;
    // pg-boss retries the job; the running drain may finish before it has seen every row.
    if (!locked) throw new Error(`a HubSpot write-back of portal ${portalId} is already running`);
    try {
      return await drain(deps, db, portalId);
    } finally {
      await execute(db, q.UNLOCK_PORTAL, [portalId]).catch((err: unknown) => {
        broken = err instanceof Error ? err : new Error(String(err));
      });
    }
  } finally {
    db.release(broken);
  }
}

async function drain(
  deps: WritebackDeps,
  db: WriteContext['db'],
  portalId: number,
): Promise<WritebackSummary> {
  const logger = deps.logger.child({ portalId, job: 'crm-writeback' });
  const portal = await queryRow(db, q.LOAD_PORTAL, [portalId]);
  const summary = { portalId, rows: 0, done: 0, rejected: 0, pending: 0 };
  if (!portal) return summary;
  const client = deps.hubspot.forPortal(portalId);
  const last = Number((await queryRow(db, q.LAST_PENDING_ID, [portalId]))?.last ?? 0);
  if (portal.crm_setup_at === null) {
    try {
      await ensureCrmSetup(client, logger);
    } catch (err) {
      await execute(db, q.NOTE_NOT_TRIED, [
        portalId,
        0,
        last,
        `property setup failed: ${describeError(err)}`,
      ]);
      throw err;
    }
    await execute(db, q.MARK_PORTAL_SET_UP, [portalId, new Date(deps.clock.now())]);
  }
  const ctx: WriteContext = {
    db,
    portalId,
    client,
    logger,
    now: () => deps.clock.now(),
    appEventType: portal.app_events_event_type,
  };

  let cursor = 0;
  let firstError: string | null = null;
  for (;;) {
    const rows = await queryRows(db, q.NEXT_PENDING, [portalId, cursor, PAGE_SIZE, last]);
    if (rows.length === 0) break;
    const writes = rows.map(toPendingWrite);
    cursor = writes[writes.length - 1]?.id ?? cursor;
    const page = await writePage(ctx, writes);
    summary.rows += writes.length;
    summary.done += page.done;
    summary.rejected += page.rejected;
    summary.pending += page.pending;
    firstError ??= page.firstError;
    if (page.hubspotFailing) {
      const rest = await execute(db, q.NOTE_NOT_TRIED, [portalId, cursor, last, `not tried: ${firstError}`]);
      summary.pending += rest;
      break;
    }
    if (summary.rows >= MAX_ROWS_PER_RUN) {
      await handOver(deps.boss, portalId);
      break;
    }
  }
  logger.info(summary, 'HubSpot write-back run finished');
  deps.metrics?.writebackRows(summary);
  if (summary.pending > 0) {
    throw new WritebackIncompleteError(portalId, summary.pending, firstError ?? 'HubSpot failing');
  }
  return summary;
}

interface PageResult {
  done: number;
  rejected: number;
  pending: number;
  firstError: string | null;
  /** A part failed for reasons that are not about the row (outage, limit, lost answer): stop for now. */
  hubspotFailing: boolean;
}

async function writePage(ctx: WriteContext, writes: readonly PendingWrite[]): Promise<PageResult> {
  const calls = await writeCalls(ctx, writes);
  const contacts = await writeContacts(ctx, writes);
  const events = await writeAppEvents(ctx, writes);
  const result: PageResult = { done: 0, rejected: 0, pending: 0, firstError: null, hubspotFailing: false };
  const settle = {
    ids: [] as number[],
    contactDone: [] as boolean[],
    appEventDone: [] as boolean[],
    failed: [] as boolean[],
    errors: [] as (string | null)[],
    statuses: [] as string[],
  };
  for (const w of writes) {
    const parts: PartOutcome[] = [calls, contacts, events].map(
      (m) => m.get(w.attemptId) ?? { kind: 'failed', error: 'not written' },
    );
    const rejected = parts.some((p) => p.kind === 'rejected');
    const status = rejected ? 'failed' : parts.every((p) => p.kind === 'done') ? 'done' : 'pending';
    const error = mostTelling(parts);
    if (parts.some((p) => p.kind === 'failed' || p.kind === 'unknown')) result.hubspotFailing = true;
    if (status === 'done') result.done += 1;
    else if (status === 'failed') result.rejected += 1;
    else result.pending += 1;
    if (status === 'pending') result.firstError ??= error;
    settle.ids.push(w.id);
    settle.contactDone.push(parts[1]?.kind === 'done');
    settle.appEventDone.push(parts[2]?.kind === 'done');
    settle.failed.push(
      parts.some((p) => p.kind === 'failed' || p.kind === 'unknown' || p.kind === 'rejected'),
    );
    settle.errors.push(error);
    settle.statuses.push(status);
  }
  await execute(ctx.db, q.SETTLE_ROWS, [
    ctx.portalId,
    settle.ids,
    new Date(ctx.now()),
    settle.contactDone,
    settle.appEventDone,
    settle.failed,
    settle.errors,
    settle.statuses,
  ]);
  if (result.rejected > 0) {
    ctx.logger.error({ rejected: result.rejected }, 'HubSpot refused write-backs; they are kept as failed');
  }
  return result;
}

/** The error ops most need to see: a refusal, then a failure, then a lost answer, then a wait. */
function mostTelling(parts: readonly PartOutcome[]): string | null {
  for (const kind of ['rejected', 'failed', 'unknown', 'waiting'] as const) {
    const part = parts.find((p) => p.kind === kind);
    if (part && 'error' in part) return part.error;
  }
  return null;
}

/** A fresh job for the rest (stately: it queues behind this one; a job already queued covers it too). */
async function handOver(boss: PgBoss, portalId: number): Promise<void> {
  await boss.send(WRITEBACK_QUEUE.name, { portalId }, writebackJobOptions(portalId, 0));
}
