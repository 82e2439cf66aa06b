/** SQL of the placement job, one named query each. */

export const LOAD_ATTEMPT = `
  SELECT a.id::text AS id, a.status, a.portal_id, a.campaign_id::text AS campaign_id, a.campaign_contact_id,
         a.contact_id, a.phone_e164, a.phone_number_id, a.dial_started_at,
         cc.time_zones, cc.us_state, cc.variables, cc.attempts, cc.crm_check, cc.crm_checked_at,
         c.status AS campaign_status, c.agent_id, c.phone_provider, c.name AS campaign_name,
         c.calling_days, c.window_start_minute, c.window_end_minute, c.blackout_dates::text[] AS blackout_dates,
         c.dnc_property, c.consent_property, c.require_consent, c.dials_per_second
    FROM call_attempts a
    JOIN campaign_contacts cc ON cc.id = a.campaign_contact_id AND cc.portal_id = a.portal_id
    JOIN campaigns c ON c.id = a.campaign_id AND c.portal_id = a.portal_id
   WHERE a.id = $1 AND a.portal_id = $2`;

export const IS_SUPPRESSED = `SELECT EXISTS (SELECT 1 FROM suppressions WHERE portal_id = $1 AND phone_e164 = $2) AS suppressed`;

export const DIALS_LAST_24H = `
  SELECT count(*)::int AS n FROM call_attempts
   WHERE portal_id = $1 AND phone_e164 = $2 AND id <> $3 AND status <> 'not_placed'
     AND dial_started_at > $4::timestamptz - interval '24 hours'`;

export const SUPPRESS = `
  INSERT INTO suppressions (portal_id, phone_e164, reason, source) VALUES ($1, $2, $3, $4)
  ON CONFLICT (portal_id, phone_e164) DO NOTHING`;

/** The next dial slot of a caller number: one every 1/rate seconds, never in the past. */
export const TAKE_PACING_SLOT = `
  INSERT INTO caller_pacing (phone_number_id, next_slot_at) VALUES ($1, $2)
  ON CONFLICT (phone_number_id) DO UPDATE
     SET next_slot_at = greatest(caller_pacing.next_slot_at + make_interval(secs => 1.0 / $3::float8), $2)
  RETURNING next_slot_at`;

/** The point of no return, committed before the request leaves: from here the call may exist. */
export const MARK_ATTEMPT_DIALING = `
  UPDATE call_attempts SET status = 'dialing', dial_started_at = $2, updated_at = $2
   WHERE id = $1 AND status = 'claimed'`;

export const MARK_ATTEMPT_PLACED = `
  UPDATE call_attempts SET status = 'placed', conversation_id = $2, call_sid = $3, placed_at = $4, updated_at = $4,
         check_due_at = $5
   WHERE id = $1 AND status IN ('dialing', 'unknown')`;

export const MARK_ATTEMPT_UNKNOWN = `
  UPDATE call_attempts SET status = 'unknown', not_placed_reason = $2, updated_at = $3
   WHERE id = $1 AND status = 'dialing'`;

/** Certainly no call: frees the slot and the person's line. */
export const MARK_ATTEMPT_NOT_PLACED = `
  UPDATE call_attempts SET status = 'not_placed', not_placed_reason = $2, updated_at = $3
   WHERE id = $1 AND status IN ('claimed', 'dialing', 'unknown')`;

export const COUNT_ATTEMPT = `
  UPDATE campaign_contacts SET attempts = attempts + 1, last_attempt_at = $2, updated_at = $2 WHERE id = $1`;

/** The contact waits again (not dialled this time; no attempt counted). */
export const REQUEUE_CONTACT = `
  UPDATE campaign_contacts SET state = 'queued', next_attempt_at = $2, wait_reason = $3, updated_at = $4
   WHERE id = $1 AND state = 'dialing'`;

export const FINISH_CONTACT = `
  UPDATE campaign_contacts SET state = 'done', last_outcome = $2, next_attempt_at = NULL, wait_reason = NULL,
         updated_at = $3
   WHERE id = $1`;

export const SKIP_CONTACT = `
  UPDATE campaign_contacts SET state = 'skipped', skip_reason = $2, next_attempt_at = NULL, wait_reason = NULL,
         updated_at = $3
   WHERE id = $1`;
