import {
  CALL_OUTCOMES,
  type CallOutcome,
  type CampaignStatsView,
  type CampaignStatus,
  OUTCOME_LABELS,
} from '../lib/shared.js';

/** How the campaign pages show numbers, dates and statuses. Pure, so the views stay declarative. */

// Amounts and durations are shown the same on the contact tab: one definition, with the call row.
export { formatAmount, formatDuration } from '../lib/CallRow.js';

export const STATUS_LABELS: Record<CampaignStatus, string> = {
  draft: 'Draft',
  importing: 'Importing',
  ready: 'Ready',
  active: 'Active',
  paused: 'Paused',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

export type StatusVariant = 'danger' | 'warning' | 'info' | 'success' | 'default';

export const STATUS_VARIANTS: Record<CampaignStatus, StatusVariant> = {
  draft: 'default',
  importing: 'info',
  ready: 'info',
  active: 'success',
  paused: 'warning',
  completed: 'default',
  cancelled: 'danger',
};

/** Statuses whose numbers move on their own: the campaign page polls its statistics while in one. */
export const isLive = (status: CampaignStatus): boolean => status === 'active' || status === 'importing';

/** Contacts still to call: imported or queued for a dial, or in one now (the service's own estimate counts these). */
const REMAINING_STATES = ['imported', 'queued', 'dialing'];

/** Contacts done (called to a final result, or skipped) out of all imported. */
export function progressOf(stats: CampaignStatsView): { done: number; total: number } {
  const remaining = REMAINING_STATES.reduce((sum, state) => sum + (stats.contacts.byState[state] ?? 0), 0);
  return { done: Math.max(0, stats.contacts.total - remaining), total: stats.contacts.total };
}

/** Outcomes with at least one contact, in the canonical order, labelled. */
export function outcomeCounts(
  stats: CampaignStatsView,
): { outcome: CallOutcome; label: string; count: number }[] {
  return CALL_OUTCOMES.flatMap((outcome) => {
    const count = stats.outcomes[outcome] ?? 0;
    return count > 0 ? [{ outcome, label: OUTCOME_LABELS[outcome], count }] : [];
  });
}

/** "12 pledged, 3 declined": the home table's one-line outcome summary. */
export const outcomeSummary = (stats: CampaignStatsView): string => {
  const counts = outcomeCounts(stats);
  return counts.length === 0
    ? 'None yet'
    : counts.map((c) => `${c.count} ${c.label.toLowerCase()}`).join(', ');
};

/** ElevenLabs bills in credits. */
export const formatCredits = (credits: number): string =>
  `${Math.round(credits).toLocaleString('en-US')} credits`;

export const formatDateTime = (iso: string | null): string =>
  iso === null
    ? '—'
    : new Date(iso).toLocaleString('en-US', {
        dateStyle: 'medium',
        timeStyle: 'short',
      });

export const pageCountOf = (page: { total: number; limit: number }): number =>
  Math.max(1, Math.ceil(page.total / page.limit));
