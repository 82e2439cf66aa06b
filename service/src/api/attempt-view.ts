import { type AttemptView, OUTCOME_LABELS } from '@fundraising/shared';
import { conversationUrl } from '../writeback/index.js';
import type { CsvValue } from './csv.js';
import type { AttemptResultRow } from './results-queries.js';

/** An attempt as the API answers it; the conversation link is the same one written to HubSpot's timeline. */
export function toAttemptView(row: AttemptResultRow): AttemptView {
  return {
    attemptId: row.attempt_id,
    contactId: row.contact_id,
    firstName: row.first_name,
    phone: row.phone_e164,
    status: row.status,
    outcome: row.outcome,
    outcomeReason: row.outcome_reason,
    summary: row.summary,
    durationSecs: row.duration_secs,
    pledge:
      row.pledge_amount === null ? null : { amount: row.pledge_amount, frequency: row.pledge_frequency },
    callbackAt: row.callback_at,
    conversationId: row.conversation_id,
    conversationUrl: row.conversation_id ? conversationUrl(row.conversation_id) : null,
    dialledAt: row.dial_started_at.toISOString(),
    endedAt: row.ended_at?.toISOString() ?? null,
  };
}

/** The export's columns: a header and how each is read off an attempt. */
export const EXPORT_COLUMNS: readonly {
  readonly header: string;
  readonly cell: (a: AttemptView) => CsvValue;
}[] = [
  { header: 'attempt_id', cell: (a) => a.attemptId },
  { header: 'hubspot_contact_id', cell: (a) => a.contactId },
  { header: 'first_name', cell: (a) => a.firstName },
  { header: 'phone', cell: (a) => a.phone },
  { header: 'dialled_at', cell: (a) => a.dialledAt },
  { header: 'ended_at', cell: (a) => a.endedAt },
  { header: 'status', cell: (a) => a.status },
  { header: 'outcome', cell: (a) => a.outcome },
  { header: 'outcome_label', cell: (a) => (a.outcome ? OUTCOME_LABELS[a.outcome] : null) },
  { header: 'outcome_reason', cell: (a) => a.outcomeReason },
  { header: 'duration_secs', cell: (a) => a.durationSecs },
  { header: 'pledge_amount', cell: (a) => a.pledge?.amount },
  { header: 'pledge_frequency', cell: (a) => a.pledge?.frequency },
  { header: 'callback_at', cell: (a) => a.callbackAt },
  { header: 'summary', cell: (a) => a.summary },
  { header: 'conversation_id', cell: (a) => a.conversationId },
  { header: 'conversation_url', cell: (a) => a.conversationUrl },
];
