import type { CallOutcome } from '@fundraising/shared';
import { sql } from '../db/statement.js';

/** SQL of the outcome stage, each statement with the row it returns and the parameters it takes. */

export const LOAD_EVENT = sql<
  {
    id: string;
    event_type: string;
    conversation_id: string | null;
    body: string | null;
    processed_at: Date | null;
    received_at: Date;
  },
  [eventId: number]
>(`
  SELECT id, event_type, conversation_id, body, processed_at, received_at FROM webhook_events WHERE id = $1`);

/** Marks a stored event processed, with why it changed nothing (error) and the attempt it was matched to. */
export const MARK_PROCESSED = sql<
  never,
  [eventId: number, at: Date, error: string | null, portalId: number | null, attemptId: string | null]
>(`
  UPDATE webhook_events SET processed_at = $2, process_error = $3, portal_id = coalesce($4, portal_id),
         attempt_id = coalesce($5, attempt_id)
   WHERE id = $1`);

/**
 * The attempt an event is about: by the attempt id we sent as user_id ('' when the event carries none), else by
 * the conversation id; with what classifying it needs.
 */
export const FIND_ATTEMPT = sql<
  { id: string; portal_id: string; classification: unknown; time_zones: string[] },
  [attemptId: string, conversationId: string]
>(`
  SELECT a.id::text AS id, a.portal_id, c.classification, cc.time_zones
    FROM call_attempts a JOIN campaigns c ON c.id = a.campaign_id AND c.portal_id = a.portal_id
    JOIN campaign_contacts cc ON cc.id = a.campaign_contact_id
   WHERE (a.id::text = $1 OR a.conversation_id = $2)
   ORDER BY (a.id::text = $1) DESC
   LIMIT 1`);

/** Locks the attempt and its contact for recording the outcome, with the campaign's retry rules and window. */
export const LOCK_ATTEMPT = sql<
  {
    id: string;
    status: string;
    campaign_contact_id: string;
    phone_e164: string;
    contact_id: string;
    attempts: number;
    time_zones: string[];
    us_state: string | null;
    retry_policy: Record<string, { delayMinutes: number; maxAttempts: number }>;
    max_attempts: number;
    calling_days: number[];
    window_start_minute: number;
    window_end_minute: number;
    blackout_dates: string[];
  },
  [attemptId: string, portalId: number]
>(`
  SELECT a.id::text AS id, a.status, a.campaign_contact_id, a.phone_e164, a.contact_id,
         cc.attempts, cc.time_zones, cc.us_state,
         c.retry_policy, c.max_attempts, c.calling_days, c.window_start_minute, c.window_end_minute,
         c.blackout_dates::text[] AS blackout_dates
    FROM call_attempts a
    JOIN campaign_contacts cc ON cc.id = a.campaign_contact_id AND cc.portal_id = a.portal_id
    JOIN campaigns c ON c.id = a.campaign_id AND c.portal_id = a.portal_id
   WHERE a.id = $1 AND a.portal_id = $2
     FOR UPDATE OF a, cc`);

/** Ends the attempt with its outcome; a conversation id already known is kept. */
export const END_ATTEMPT = sql<
  never,
  [
    attemptId: string,
    outcome: CallOutcome,
    detail: Record<string, unknown>,
    endedAt: Date,
    at: Date,
    conversationId: string | null,
  ]
>(`UPDATE call_attempts
          SET status = 'ended', outcome = $2, outcome_detail = $3, ended_at = $4, updated_at = $5,
              conversation_id = coalesce(conversation_id, $6)
        WHERE id = $1`);

/** Puts the number on the portal's do-not-call list, the attempt as its source; a listed number stays as it is. */
export const SUPPRESS_NUMBER = sql<
  never,
  [portalId: number, phoneE164: string, reason: string, attemptId: string]
>(`INSERT INTO suppressions (portal_id, phone_e164, reason, source) VALUES ($1, $2, $3, $4)
         ON CONFLICT (portal_id, phone_e164) DO NOTHING`);

/** Moves the contact on after an attempt: queued for the next one (when, and why it waits), or done. */
export const MOVE_CONTACT_ON = sql<
  never,
  [
    campaignContactId: string,
    state: 'queued' | 'done',
    nextAttemptAt: Date | null,
    waitReason: 'retry' | 'callback' | null,
    lastOutcome: CallOutcome,
    attempts: number,
    at: Date,
  ]
>(`UPDATE campaign_contacts
          SET state = $2, next_attempt_at = $3, wait_reason = $4, last_outcome = $5, attempts = $6,
              last_attempt_at = coalesce(last_attempt_at, $7), updated_at = $7
        WHERE id = $1`);
