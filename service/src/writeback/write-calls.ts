import type { CallOutcome } from '@fundraising/shared';
import { execute } from '../db/statement.js';
import type { CallEngagementInput, HubSpotPortalClient } from '../hubspot/index.js';
import { callEngagement } from './call-engagement.js';
import { CALL_ATTEMPT_ID_PROPERTY } from './crm-schema.js';
import {
  certainlyNotApplied,
  describeError,
  halves,
  isRejection,
  type PartOutcome,
  type PartOutcomes,
} from './part-outcome.js';
import type { PendingWrite } from './pending-write.js';
import * as q from './queries.js';
import type { WriteContext } from './write-context.js';

/**
 * HubSpot's CRM search shows a new object only after a short indexing delay, so a call whose create answer was
 * lost is looked up once it is at least this old: looking earlier could miss it and log the call twice.
 */
export const CALL_SEARCH_SETTLE_MS = 60_000;

type Writable = PendingWrite & { outcome: CallOutcome };

/**
 * The Calls engagements of a page of rows: one batch create for the rows never sent, after looking up those whose
 * earlier create went unanswered. Results are stored as soon as HubSpot answers, and rows are marked "in doubt"
 * before the create leaves, so neither a lost answer nor a crash can lead to a second engagement.
 */
export async function writeCalls(ctx: WriteContext, writes: readonly PendingWrite[]): Promise<PartOutcomes> {
  const out: PartOutcomes = new Map();
  const fresh: Writable[] = [];
  const inDoubt: Writable[] = [];
  for (const w of writes) {
    if (w.callDone) out.set(w.attemptId, { kind: 'done' });
    else if (w.outcome === null)
      out.set(w.attemptId, { kind: 'rejected', error: 'the attempt has no outcome' });
    else if (w.callUnknownAt !== null) inDoubt.push({ ...w, outcome: w.outcome });
    else fresh.push({ ...w, outcome: w.outcome });
  }
  const absent = await verifyInDoubt(ctx, inDoubt, out);
  const toCreate = [...fresh, ...absent];
  if (toCreate.length === 0) return out;

  await execute(ctx.db, q.MARK_CALLS_IN_FLIGHT, [
    ctx.portalId,
    toCreate.map((w) => w.id),
    new Date(ctx.now()),
  ]);
  const created: PartOutcomes = new Map();
  await createIsolating(ctx.client, toCreate.map(callEngagement), created);
  await storeCreated(ctx, toCreate, created);
  for (const [key, outcome] of created) out.set(key, outcome);
  return out;
}

/** Finds calls HubSpot may have created already; returns the rows it certainly has no call for. */
async function verifyInDoubt(ctx: WriteContext, inDoubt: Writable[], out: PartOutcomes): Promise<Writable[]> {
  const now = ctx.now();
  const due = inDoubt.filter((w) => now - (w.callUnknownAt?.getTime() ?? 0) >= CALL_SEARCH_SETTLE_MS);
  for (const w of inDoubt) {
    if (!due.includes(w)) {
      out.set(w.attemptId, {
        kind: 'waiting',
        error: "a Calls create went unanswered; waiting for HubSpot's search index before checking it",
      });
    }
  }
  if (due.length === 0) return [];
  let found: { id: string; value: string }[];
  try {
    found = await ctx.client.findCallsByProperty(
      CALL_ATTEMPT_ID_PROPERTY,
      due.map((w) => w.attemptId),
    );
  } catch (err) {
    for (const w of due) {
      out.set(w.attemptId, {
        kind: 'failed',
        error: `cannot check whether HubSpot created the call: ${describeError(err)}`,
      });
    }
    return [];
  }
  const byAttempt = new Map<string, string[]>();
  for (const f of found) byAttempt.set(f.value, [...(byAttempt.get(f.value) ?? []), f.id]);
  const landed: { write: Writable; callId: string }[] = [];
  const absent: Writable[] = [];
  for (const w of due) {
    const ids = (byAttempt.get(w.attemptId) ?? []).sort((a, b) => Number(a) - Number(b));
    const first = ids[0];
    if (first === undefined) {
      absent.push(w);
      continue;
    }
    if (ids.length > 1) {
      ctx.logger.warn(
        { attemptId: w.attemptId, callIds: ids },
        'HubSpot holds several calls for one attempt',
      );
    }
    landed.push({ write: w, callId: first });
    out.set(w.attemptId, { kind: 'done', callId: first });
  }
  if (landed.length > 0) {
    await execute(ctx.db, q.MARK_CALLS_CREATED, [
      ctx.portalId,
      landed.map((l) => l.write.id),
      landed.map((l) => l.callId),
    ]);
    ctx.logger.info({ found: landed.length }, 'calls whose create went unanswered were found in HubSpot');
  }
  return absent;
}

/**
 * One batch create; when HubSpot refuses the batch as a whole (a 4xx: one deleted contact fails every call's
 * association), the halves are sent again until the refused calls are alone, so they do not hold up the rest.
 */
async function createIsolating(
  client: HubSpotPortalClient,
  calls: readonly CallEngagementInput[],
  out: PartOutcomes,
): Promise<void> {
  const setAll = (list: readonly CallEngagementInput[], outcome: PartOutcome) => {
    for (const c of list) out.set(c.idempotencyKey, outcome);
  };
  let result: Awaited<ReturnType<HubSpotPortalClient['createCalls']>>;
  try {
    result = await client.createCalls(calls);
  } catch (err) {
    const error = describeError(err);
    if (!certainlyNotApplied(err)) return setAll(calls, { kind: 'unknown', error });
    if (!isRejection(err)) return setAll(calls, { kind: 'failed', error });
    if (calls.length === 1) return setAll(calls, { kind: 'rejected', error });
    for (const half of halves(calls)) await createIsolating(client, half, out);
    return;
  }
  const created = new Map(result.created.map((c) => [c.idempotencyKey, c.id]));
  for (const [key, id] of created) out.set(key, { kind: 'done', callId: id });
  const missing = calls.filter((c) => !created.has(c.idempotencyKey));
  if (missing.length === 0) return;
  const why = result.errors.map((e) => e.message).join('; ') || 'HubSpot did not report the call as created';
  // A call HubSpot created without echoing our key cannot be told apart from the others: find it by search.
  if (result.ids.length > result.created.length) return setAll(missing, { kind: 'unknown', error: why });
  if (calls.length === 1) return setAll(calls, { kind: 'rejected', error: why });
  const retry = missing.length < calls.length ? [missing] : halves(missing);
  for (const part of retry) await createIsolating(client, part, out);
}

async function storeCreated(
  ctx: WriteContext,
  sent: readonly Writable[],
  outcomes: PartOutcomes,
): Promise<void> {
  const done: { id: number; callId: string }[] = [];
  const notCreated: number[] = [];
  for (const w of sent) {
    const outcome = outcomes.get(w.attemptId);
    if (outcome?.kind === 'done' && outcome.callId !== undefined)
      done.push({ id: w.id, callId: outcome.callId });
    else if (outcome?.kind === 'failed' || outcome?.kind === 'rejected') notCreated.push(w.id);
  }
  if (done.length > 0) {
    await execute(ctx.db, q.MARK_CALLS_CREATED, [
      ctx.portalId,
      done.map((d) => d.id),
      done.map((d) => d.callId),
    ]);
  }
  if (notCreated.length > 0) await execute(ctx.db, q.CLEAR_CALLS_IN_FLIGHT, [ctx.portalId, notCreated]);
}
