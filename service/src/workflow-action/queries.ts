import type { CampaignStatus, PlaceCallOutputs } from '@fundraising/shared';
import { sql } from '../db/statement.js';

/** SQL of the workflow action: enrolments, their completion, the campaign dropdown. */

/** Whether a portal is served, and whether it is still connected. */
export const PORTAL_STATUS = sql<{ status: string }, [portalId: number]>(
  'SELECT status FROM portals WHERE portal_id = $1',
);

/** Stores an execution; a repeated delivery of the same callback id inserts nothing. */
export const INSERT_ENROLMENT = sql<
  { id: string },
  [
    portalId: number,
    callbackId: string,
    campaignRef: string,
    contactId: string,
    workflowId: number | null,
    variables: Record<string, string>,
    expiresAt: Date,
    at: Date,
  ]
>(`INSERT INTO workflow_enrolments (portal_id, callback_id, campaign_ref, contact_id, workflow_id, variables,
                                    expires_at, received_at, updated_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
   ON CONFLICT (portal_id, callback_id) DO NOTHING
   RETURNING id::text`);

/** A page of a portal's enrolments still to be read and put into their campaigns, oldest first. */
export const RECEIVED = sql<
  { id: string; campaign_ref: string; contact_id: string; variables: Record<string, string> },
  [portalId: number, afterId: string, limit: number]
>(`SELECT e.id::text AS id, e.campaign_ref, e.contact_id, e.variables FROM workflow_enrolments e
    WHERE e.portal_id = $1 AND e.status = 'received' AND e.id > $2::bigint
    ORDER BY e.id LIMIT $3`);

/** Enrolments now following a campaign row (the ids in the order of the rows). */
export const MARK_WAITING = sql<
  never,
  [portalId: number, enrolmentIds: string[], campaignId: string, campaignContactIds: string[], at: Date]
>(`UPDATE workflow_enrolments e
      SET status = 'waiting', campaign_id = $3, campaign_contact_id = x.row_id, updated_at = $5
     FROM unnest($2::bigint[], $4::bigint[]) AS x(id, row_id)
    WHERE e.id = x.id AND e.portal_id = $1 AND e.status = 'received'`);

/**
 * Waiting enrolments of these campaign rows whose contact reached a final state, with what the outputs are made
 * of: the row's state, outcome and skip reason, and the outcome details of its last finished call. Locked, so an
 * outcome recorded twice at once settles each enrolment once.
 */
export const FINAL_FACTS = sql<
  {
    id: string;
    state: 'done' | 'skipped';
    last_outcome: string | null;
    skip_reason: string | null;
    outcome_detail: unknown;
  },
  [portalId: number, campaignContactIds: string[]]
>(`SELECT e.id::text AS id, cc.state, cc.last_outcome, cc.skip_reason, last_call.outcome_detail
     FROM workflow_enrolments e
     JOIN campaign_contacts cc ON cc.id = e.campaign_contact_id AND cc.portal_id = e.portal_id
     LEFT JOIN LATERAL (SELECT a.outcome_detail FROM call_attempts a
                         WHERE a.campaign_contact_id = cc.id AND a.status = 'ended'
                         ORDER BY a.ended_at DESC NULLS LAST LIMIT 1) last_call ON true
    WHERE e.portal_id = $1 AND e.campaign_contact_id = ANY($2::bigint[]) AND e.status = 'waiting'
      AND cc.state IN ('done', 'skipped')
      FOR UPDATE OF e`);

/** Fixes the outputs of enrolments whose outcome is known (the ids, outputs and states in matching order). */
export const SETTLE = sql<
  never,
  [
    portalId: number,
    enrolmentIds: string[],
    outputs: string[],
    executionStates: string[],
    at: Date,
    from: ('received' | 'waiting')[],
  ]
>(`UPDATE workflow_enrolments e
      SET status = 'settled', outputs = x.outputs, execution_state = x.state, settled_at = $5, updated_at = $5
     FROM unnest($2::bigint[], $3::jsonb[], $4::text[], $6::text[]) AS x(id, outputs, state, from_status)
    WHERE e.id = x.id AND e.portal_id = $1 AND e.status = x.from_status`);

/** Settled enrolments past their expiry: HubSpot has moved their workflows on; they are not sent. */
export const EXPIRE_OPEN = sql<{ id: string; status: string }, [portalId: number, now: Date]>(
  `UPDATE workflow_enrolments SET status = 'expired', finished_at = $2, updated_at = $2
    WHERE portal_id = $1 AND status IN ('received', 'waiting', 'settled') AND expires_at <= $2
   RETURNING id::text, status`,
);

/** The next settled enrolments of a portal to send, in order. */
export const NEXT_SETTLED = sql<
  { id: string; callback_id: string; outputs: PlaceCallOutputs; execution_state: string },
  [portalId: number, afterId: string, limit: number]
>(`SELECT e.id::text AS id, e.callback_id, e.outputs, e.execution_state FROM workflow_enrolments e
    WHERE e.portal_id = $1 AND e.status = 'settled' AND e.id > $2::bigint
    ORDER BY e.id LIMIT $3`);

/** HubSpot accepted these completions (completed), or refused them for good (failed, with why). */
export const FINISH = sql<
  never,
  [portalId: number, enrolmentIds: string[], status: 'completed' | 'failed', error: string | null, at: Date]
>(`UPDATE workflow_enrolments SET status = $3, last_error = $4, finished_at = $5, updated_at = $5
    WHERE portal_id = $1 AND id = ANY($2::bigint[]) AND status = 'settled'`);

/** A run could not send these: counted, with the error, for ops (the job's retries send them again). */
export const NOTE_FAILED_RUN = sql<never, [portalId: number, fromId: string, error: string, at: Date]>(
  `UPDATE workflow_enrolments SET attempts = attempts + 1, last_error = $3, updated_at = $4
    WHERE portal_id = $1 AND status = 'settled' AND id >= $2::bigint`,
);

/** Waiting enrolments whose contact is final (whatever path finished it), by portal. For the sweep. */
export const FINAL_BUT_WAITING = sql<
  { portal_id: string; campaign_contact_ids: string[] },
  [limit: number]
>(`SELECT w.portal_id, array_agg(DISTINCT w.campaign_contact_id::text) AS campaign_contact_ids
     FROM (SELECT e.portal_id, e.campaign_contact_id FROM workflow_enrolments e
             JOIN campaign_contacts cc ON cc.id = e.campaign_contact_id AND cc.portal_id = e.portal_id
            WHERE e.status = 'waiting' AND cc.state IN ('done', 'skipped')
            LIMIT $1) w
    GROUP BY w.portal_id`);

/**
 * Waiting enrolments whose campaign ended (cancelled, or completed) while their contact was still only queued:
 * nothing will call it now. A contact in a call is left to its outcome.
 */
export const STRANDED_BY_CAMPAIGN = sql<
  { id: string; portal_id: string; campaign_status: CampaignStatus },
  [limit: number]
>(`SELECT e.id::text AS id, e.portal_id, c.status AS campaign_status
     FROM workflow_enrolments e
     JOIN campaign_contacts cc ON cc.id = e.campaign_contact_id AND cc.portal_id = e.portal_id
     JOIN campaigns c ON c.id = cc.campaign_id AND c.portal_id = e.portal_id
    WHERE e.status = 'waiting' AND c.status IN ('cancelled', 'completed') AND cc.state IN ('imported', 'queued')
    LIMIT $1`);

/** Enrolments that expired anywhere, for the sweep (HubSpot moved on; nothing is sent). */
export const EXPIRE_ALL_OPEN = sql<{ portal_id: string; n: number }, [now: Date]>(
  `WITH expired AS (
     UPDATE workflow_enrolments SET status = 'expired', finished_at = $1, updated_at = $1
      WHERE status IN ('received', 'waiting', 'settled') AND expires_at <= $1
     RETURNING portal_id)
   SELECT portal_id, count(*)::int AS n FROM expired GROUP BY portal_id`,
);

/**
 * Connected portals with received or settled enrolments no run has touched for a while: their job was lost or gave
 * up. A disconnected portal's wait until it installs the app again (or they expire).
 */
export const STRANDED_PORTALS = sql<
  { portal_id: string; received: boolean; settled: boolean },
  [untouchedSince: Date]
>(`SELECT e.portal_id, bool_or(e.status = 'received') AS received, bool_or(e.status = 'settled') AS settled
     FROM workflow_enrolments e JOIN portals p ON p.portal_id = e.portal_id AND p.status = 'connected'
    WHERE e.status IN ('received', 'settled') AND e.updated_at < $1
    GROUP BY e.portal_id`);

/** A run could not put these received enrolments into their campaign: counted, with why, for ops. */
export const NOTE_FAILED_ENROL = sql<
  never,
  [portalId: number, enrolmentIds: string[], error: string, at: Date]
>(
  `UPDATE workflow_enrolments SET attempts = attempts + 1, last_error = $3, updated_at = $4
    WHERE portal_id = $1 AND id = ANY($2::bigint[]) AND status = 'received'`,
);

/** The portal's campaigns a workflow may enrol into, by name, newest first: one page and one more row. */
export const ENROLLABLE_CAMPAIGNS = sql<
  { id: string; name: string; status: CampaignStatus },
  [portalId: number, namePattern: string | null, limit: number, offset: number]
>(`SELECT c.id::text AS id, c.name, c.status FROM campaigns c
    WHERE c.portal_id = $1 AND c.status IN ('active', 'ready', 'paused')
      AND ($2::text IS NULL OR c.name ILIKE $2 ESCAPE '\\')
    ORDER BY c.created_at DESC, c.id
    LIMIT $3 OFFSET $4`);
