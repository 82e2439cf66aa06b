import { sql } from '../db/statement.js';

/** SQL of reconciliation, each statement with the row it returns and the parameters it takes. */

/** Leases the looks that have come due (the lease is the new check_due_at), oldest first. */
export const TAKE_DUE_CHECKS = sql<
  { id: string; portal_id: string },
  [dueBefore: Date, leasedUntil: Date, limit: number]
>(`
  UPDATE call_attempts a SET check_due_at = $2
    FROM (SELECT id FROM call_attempts WHERE status = 'placed' AND check_due_at <= $1
           ORDER BY check_due_at LIMIT $3 FOR UPDATE SKIP LOCKED) due
   WHERE a.id = due.id
  RETURNING a.id::text, a.portal_id`);

export const LOAD_PLACED_CALL = sql<
  {
    id: string;
    status: string;
    conversation_id: string | null;
    placed_at: Date | null;
    missing_looks: number;
    missing_since: Date | null;
  },
  [attemptId: string, portalId: number]
>(`
  SELECT id::text, status, conversation_id, placed_at, missing_looks, missing_since
    FROM call_attempts WHERE id = $1 AND portal_id = $2`);

/** When the next look is due; a look that found no trace counts (missing = 1) and starts the grace period. */
export const NOTE_LOOK = sql<
  never,
  [attemptId: string, portalId: number, nextAt: Date, missing: 0 | 1, at: Date]
>(`
  UPDATE call_attempts
     SET check_due_at = $3, missing_looks = missing_looks + $4::int,
         missing_since = CASE WHEN $4::int = 1 THEN coalesce(missing_since, $5) ELSE missing_since END
   WHERE id = $1 AND portal_id = $2 AND status = 'placed'`);

/** A stored event of the call and where its attempt stands. */
export const EVENT_STATE = sql<
  { id: string; processed_at: Date | null; process_error: string | null; attempt_status: string },
  [dedupeKey: string, attemptId: string]
>(`
  SELECT e.id, e.processed_at, e.process_error, a.status AS attempt_status
    FROM webhook_events e, call_attempts a
   WHERE e.dedupe_key = $1 AND a.id = $2`);

export const REOPEN_EVENT = sql<never, [eventId: string]>(
  `UPDATE webhook_events SET processed_at = NULL, process_error = NULL WHERE id = $1`,
);

/** Stored events still unprocessed this many seconds after they arrived (their processing job was lost). */
export const UNPROCESSED_EVENTS = sql<{ id: string }, [olderThanSecs: number]>(`
  SELECT id FROM webhook_events WHERE processed_at IS NULL AND received_at < now() - make_interval(secs => $1)
   ORDER BY id LIMIT 1000`);
