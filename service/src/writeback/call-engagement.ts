import { type CallOutcome, OUTCOME_LABELS } from '@fundraising/shared';
import type { CallEngagementInput, CallStatus } from '../hubspot/index.js';
import { CALL_ATTEMPT_ID_PROPERTY } from './crm-schema.js';
import type { PendingWrite } from './pending-write.js';

/** hs_call_status: whether the phone was answered at all. Everything that reached a person or a mailbox completed. */
const CALL_STATUS: Record<CallOutcome, CallStatus> = {
  pledged: 'COMPLETED',
  declined: 'COMPLETED',
  callback_requested: 'COMPLETED',
  voicemail: 'COMPLETED',
  opted_out: 'COMPLETED',
  wrong_number: 'COMPLETED',
  completed: 'COMPLETED',
  no_answer: 'NO_ANSWER',
  busy: 'BUSY',
  failed: 'FAILED',
};

/** HubSpot caps a string property at 65,536 characters; the transcript is cut to stay well inside. */
const MAX_BODY_CHARS = 60_000;

export function conversationUrl(conversationId: string): string {
  return `https://elevenlabs.io/app/conversational-ai/history/${encodeURIComponent(conversationId)}`;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function pledgeLine(
  amount: number | null | undefined,
  frequency: string | null | undefined,
): string | null {
  if (typeof amount !== 'number') return null;
  const formatted = amount.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 2 });
  return `Pledged ${formatted}${frequency ? ` (${frequency.replace(/_/g, ' ')})` : ''}`;
}

const SPEAKERS: Record<string, string> = { agent: 'Agent', user: 'Donor' };

/**
 * hs_call_body is rich text: summary, pledge, a link to the conversation in ElevenLabs, then the transcript.
 * Everything from the call is escaped (a donor can say anything, including markup).
 */
export function callBody(write: PendingWrite): string {
  const { detail } = write;
  const parts: string[] = [];
  if (detail.summary) parts.push(`<p>${escapeHtml(detail.summary)}</p>`);
  const pledge = pledgeLine(detail.pledgeAmount, detail.pledgeFrequency);
  if (pledge) parts.push(`<p><strong>${escapeHtml(pledge)}</strong></p>`);
  if (detail.callbackAt) parts.push(`<p>Callback requested for ${escapeHtml(detail.callbackAt)}</p>`);
  if (write.conversationId) {
    parts.push(
      `<p><a href="${escapeHtml(conversationUrl(write.conversationId))}">Conversation in ElevenLabs</a></p>`,
    );
  }
  const lines = (detail.transcript ?? []).filter((l) => l.message.trim() !== '');
  if (lines.length > 0) {
    let used = parts.join('').length + 40;
    const rendered: string[] = [];
    for (const line of lines) {
      const html = `<strong>${escapeHtml(SPEAKERS[line.role] ?? line.role)}:</strong> ${escapeHtml(line.message)}`;
      if (used + html.length > MAX_BODY_CHARS) {
        rendered.push('<em>… transcript shortened; the full one is in ElevenLabs</em>');
        break;
      }
      rendered.push(html);
      used += html.length + 4;
    }
    parts.push(`<p><strong>Transcript</strong><br>${rendered.join('<br>')}</p>`);
  }
  return parts.length > 0
    ? parts.join('')
    : `<p>${escapeHtml(OUTCOME_LABELS[write.outcome ?? 'completed'])}</p>`;
}

export function callTitle(write: PendingWrite & { outcome: CallOutcome }): string {
  return `AI call · ${write.campaignName}: ${OUTCOME_LABELS[write.outcome]}`;
}

/** The Calls engagement for one finished attempt; the attempt id is both the idempotency key and a property. */
export function callEngagement(write: PendingWrite & { outcome: CallOutcome }): CallEngagementInput {
  return {
    idempotencyKey: write.attemptId,
    contactId: write.contactId,
    timestamp: write.callAt,
    title: callTitle(write),
    body: callBody(write),
    status: CALL_STATUS[write.outcome],
    durationMs: Math.round((write.detail.durationSecs ?? 0) * 1000),
    toNumber: write.detail.toNumber ?? write.phoneE164,
    fromNumber: write.detail.fromNumber ?? '',
    direction: 'OUTBOUND',
    extraProperties: { [CALL_ATTEMPT_ID_PROPERTY]: write.attemptId },
  };
}
