import { OUTCOME_LABELS } from '@fundraising/shared';
import type { AppEventOccurrence } from '../hubspot/index.js';
import { conversationUrl } from './call-engagement.js';
import { describeError, isRejection, type PartOutcomes } from './part-outcome.js';
import type { PendingWrite } from './pending-write.js';
import type { WriteContext } from './write-context.js';

/** Deterministic, so a re-send is HubSpot's 409 rather than a second occurrence (occurrences are immutable). */
export function appEventId(attemptId: string): string {
  return `ai-call-${attemptId}`;
}

/**
 * The occurrence's properties; the app-event type definition (crm-extension) must declare these names:
 * outcome, outcome_label, campaign, pledge_amount, pledge_frequency, duration_seconds, conversation_url.
 */
export function appEventOccurrence(eventTypeName: string, write: PendingWrite): AppEventOccurrence {
  const { detail } = write;
  const properties: Record<string, string | number> = {
    outcome: write.outcome ?? 'completed',
    outcome_label: OUTCOME_LABELS[write.outcome ?? 'completed'],
    campaign: write.campaignName,
    duration_seconds: Math.round(detail.durationSecs ?? 0),
  };
  if (typeof detail.pledgeAmount === 'number') properties.pledge_amount = detail.pledgeAmount;
  if (detail.pledgeFrequency) properties.pledge_frequency = detail.pledgeFrequency;
  if (write.conversationId) properties.conversation_url = conversationUrl(write.conversationId);
  return {
    eventTypeName,
    objectId: write.contactId,
    id: appEventId(write.attemptId),
    timestamp: write.callAt.toISOString(),
    properties,
  };
}

/**
 * One occurrence per attempt, only where the portal has app events. HubSpot documents only the single-occurrence
 * endpoint, so this is one request per call; after a failure that is not about the occurrence itself (limit,
 * outage) the rest of the page is left for the retry rather than failing one by one.
 */
export async function writeAppEvents(
  ctx: WriteContext,
  writes: readonly PendingWrite[],
): Promise<PartOutcomes> {
  const out: PartOutcomes = new Map();
  let failing: string | null = null;
  for (const w of writes) {
    if (w.appEventDone || ctx.appEventType === null) {
      out.set(w.attemptId, { kind: 'done' });
      continue;
    }
    if (w.outcome === null) {
      out.set(w.attemptId, { kind: 'rejected', error: 'the attempt has no outcome' });
      continue;
    }
    if (failing !== null) {
      out.set(w.attemptId, { kind: 'skipped' });
      continue;
    }
    try {
      await ctx.client.sendAppEvents([appEventOccurrence(ctx.appEventType, w)]);
      out.set(w.attemptId, { kind: 'done' });
    } catch (err) {
      const error = describeError(err);
      if (isRejection(err)) {
        out.set(w.attemptId, { kind: 'rejected', error });
      } else {
        failing = error;
        out.set(w.attemptId, { kind: 'failed', error });
      }
    }
  }
  return out;
}
