import { Link, StatusTag, TableCell, TableRow } from '@hubspot/ui-extensions';
import { type CallOutcome, OUTCOME_LABELS } from './shared.js';

/**
 * One AI call as a table row: the contact tab lists a contact's calls (first column: the campaign) and the campaign
 * page its attempts (first column: the contact). Both show the result the same way, from this one component.
 */
export interface CallRowProps {
  /** The first column: whom or what the call belongs to. */
  readonly subject: string;
  /** When it was dialled, already formatted for the reader's zone. */
  readonly when: string;
  readonly outcome: CallOutcome | null;
  /** Shown instead of the outcome while there is none yet ("In call", "Being checked"). */
  readonly statusText: string;
  readonly durationSeconds: number | null;
  readonly pledge: { readonly amount: number; readonly frequency: string | null } | null;
  readonly summary: string | null;
  readonly conversationUrl: string | null;
}

/** The headers matching CallRow's cells, after the first column's. */
export const CALL_RESULT_HEADERS = ['Dialled', 'Outcome', 'Duration', 'Pledge', 'Summary', 'Conversation'];

const OUTCOME_VARIANTS: Partial<Record<CallOutcome, 'success' | 'warning' | 'danger' | 'info'>> = {
  pledged: 'success',
  declined: 'warning',
  opted_out: 'danger',
  wrong_number: 'danger',
  failed: 'danger',
};

export function CallRow(call: CallRowProps) {
  return (
    <TableRow>
      <TableCell>{call.subject}</TableCell>
      <TableCell>{call.when}</TableCell>
      <TableCell>
        {call.outcome ? (
          <StatusTag variant={OUTCOME_VARIANTS[call.outcome] ?? 'default'}>
            {OUTCOME_LABELS[call.outcome]}
          </StatusTag>
        ) : (
          <StatusTag variant="info">{call.statusText}</StatusTag>
        )}
      </TableCell>
      <TableCell>{formatDuration(call.durationSeconds)}</TableCell>
      <TableCell>{call.pledge ? pledgeText(call.pledge) : '—'}</TableCell>
      <TableCell>{call.summary ?? '—'}</TableCell>
      <TableCell>
        {call.conversationUrl ? (
          <Link href={{ url: call.conversationUrl, external: true }}>Transcript</Link>
        ) : (
          '—'
        )}
      </TableCell>
    </TableRow>
  );
}

/** Pledge amounts: the donor's currency is not recorded per pledge, so plain numbers with two decimals. */
export const formatAmount = (amount: number): string =>
  amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "50.00 monthly", "25.00 one time". */
export const pledgeText = (pledge: { amount: number; frequency: string | null }): string =>
  `${formatAmount(pledge.amount)}${pledge.frequency ? ` ${pledge.frequency.replace(/_/g, ' ')}` : ''}`;

/** Call length as m:ss. */
export const formatDuration = (seconds: number | null): string => {
  if (seconds === null) return '—';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
