import { findCampaign } from '../../service/src/campaigns/campaign-model.js';
import { startCampaign } from '../../service/src/campaigns/use-cases/control-campaign.js';
import { createCampaign } from '../../service/src/campaigns/use-cases/create-campaign.js';
import { shiftedClock } from '../../service/src/core/clock.js';
import { type RunningService, startService } from '../../service/src/runtime.js';
import type { FaultSettings } from '../../service/src/sandbox/index.js';
import { TUESDAY_AFTERNOON_NY } from '../helpers/campaign-fixtures.js';
import { silentLogger, type TestDatabase } from '../helpers/database.js';
import { sandboxTestConfig } from '../helpers/sandbox-service.js';
import { waitUntil } from '../helpers/wait.js';

/** The campaign of issue 9's report: the 250-donor demo list, campaign cap 8, calls played 100x faster. */
export const CAMPAIGN_CAP = 8;
const TIME_SCALE = 0.01;

export interface CampaignRun {
  /** Launch until the campaign completed (every contact finished), in seconds. */
  readonly seconds: number;
  readonly dials: number;
  readonly droppedWebhooks: number;
  /** Attempts whose outcome came from a look at the fake (their webhook was dropped). */
  readonly recovered: number;
  /** Broken promises found in the fake's records and our tables; empty when all held. */
  readonly violations: readonly string[];
}

/**
 * Runs the demo-list campaign once on a fresh sandbox service with the given faults, from launch to completion,
 * then checks from the fake's records that every call ended exactly once: each dropped webhook's call recovered
 * once (one stored event, from reconciliation), every ended attempt on HubSpot's timeline exactly once.
 */
export async function runCampaign(db: TestDatabase, faults: FaultSettings): Promise<CampaignRun> {
  const service = await startService({
    config: sandboxTestConfig(db),
    logger: silentLogger,
    clock: shiftedClock(TUESDAY_AFTERNOON_NY),
    sandboxTimeScale: TIME_SCALE,
    sandboxOptions: { concurrencyLimit: 20 },
    engineSettings: { accountConcurrencyCap: 20 },
  });
  try {
    const sandbox = service.integrations.sandbox!;
    sandbox.elevenlabs.setFaults(faults);
    const { portalId, agentId, phoneNumberId, lists } = sandbox.demoPortal;
    const list = lists.find((l) => l.size === 250);
    if (!list) throw new Error('the demo portal has no 250-donor list');
    const campaign = await createCampaign(service.engine, portalId, {
      name: 'Lost webhooks bench',
      listId: list.listId,
      agentId,
      phoneNumberId,
      window: { days: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '21:00' },
      concurrencyCap: CAMPAIGN_CAP,
      dialsPerSecond: 10,
      // Retries at once, so the run's length is set by how long calls hold their slots, not by retry delays.
      retryPolicy: {
        no_answer: { delayMinutes: 0, maxAttempts: 2 },
        busy: { delayMinutes: 0, maxAttempts: 2 },
      },
    });
    const status = async () => (await findCampaign(service.pool, portalId, campaign.id))?.status;
    await waitUntil(async () => (await status()) !== 'importing', { timeoutMs: 60_000, what: 'the import' });
    const started = performance.now();
    await startCampaign(service.engine, portalId, campaign.id);
    await waitUntil(async () => (await status()) === 'completed', {
      timeoutMs: 15 * 60_000,
      intervalMs: 100,
      what: 'the campaign to complete',
    });
    const seconds = (performance.now() - started) / 1000;
    await waitUntil(async () => (await pendingWrites(service)) === 0, {
      timeoutMs: 120_000,
      what: 'the write-back',
    });
    return { seconds, ...(await audit(service)) };
  } finally {
    await service.stop();
  }
}

async function pendingWrites(service: RunningService): Promise<number> {
  const { rows } = await service.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM crm_writes WHERE status <> 'done'`,
  );
  return rows[0]?.n ?? 0;
}

async function audit(service: RunningService): Promise<Omit<CampaignRun, 'seconds'>> {
  const sandbox = service.integrations.sandbox!;
  const violations: string[] = [];
  const dials = sandbox.elevenlabs.record.dials;
  const dropped = sandbox.elevenlabs.record.webhooks.filter((w) => w.dropped);
  const attempts = (
    await service.pool.query<{ id: string; status: string; conversation_id: string | null }>(
      `SELECT id::text, status, conversation_id FROM call_attempts`,
    )
  ).rows;
  const byConversation = new Map(attempts.map((a) => [a.conversation_id, a]));
  const events = (
    await service.pool.query<{ conversation_id: string; n: number; sources: string[] }>(
      `SELECT conversation_id, count(*)::int AS n, array_agg(source) AS sources FROM webhook_events
        GROUP BY conversation_id`,
    )
  ).rows;
  const eventsOf = new Map(events.map((e) => [e.conversation_id, e]));

  const unfinished = attempts.filter((a) => !['ended', 'not_placed'].includes(a.status));
  if (unfinished.length) violations.push(`${unfinished.length} attempts not final`);
  for (const d of dials) {
    const a = byConversation.get(d.conversationId);
    if (a?.status !== 'ended')
      violations.push(`dial ${d.conversationId} not ended (${a?.status ?? 'unknown'})`);
  }
  let recovered = 0;
  for (const w of dropped) {
    const e = eventsOf.get(w.conversationId);
    if (e?.n !== 1 || e.sources[0] !== 'reconciliation')
      violations.push(`dropped webhook of ${w.conversationId}: events ${JSON.stringify(e ?? null)}`);
    else recovered += 1;
  }
  const engagements = new Map<string, number>();
  for (const call of sandbox.hubspot.record.calls) {
    const id = call.objectWriteTraceId;
    if (id) engagements.set(id, (engagements.get(id) ?? 0) + 1);
  }
  const ended = attempts.filter((a) => a.status === 'ended');
  const notOnce = ended.filter((a) => engagements.get(a.id) !== 1);
  if (notOnce.length)
    violations.push(`${notOnce.length} ended attempts not on HubSpot's timeline exactly once`);
  return { dials: dials.length, droppedWebhooks: dropped.length, recovered, violations };
}
