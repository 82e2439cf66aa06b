import { sql } from '../db/statement.js';

/**
 * SQL of HubSpot webhook intake and of what contact events do (cancel pending work, the do-not-call list, the
 * cached dial-time checks, erasure); each statement with the row it returns and the parameters it takes.
 * Contacts are passed as parallel arrays (portal ids, contact ids[, property names]); every statement matches
 * rows on the portal as well as the contact.
 */

const LIVE = `('claimed', 'dialing', 'placed', 'unknown')`;

/** Stores events, one array per column; a redelivery hits the natural key and is left out. Returns the new ones. */
export const INSERT_EVENTS = sql<
  { id: string; dedupe_key: string },
  [
    portalIds: number[],
    dedupeKeys: string[],
    eventIds: string[],
    subscriptionIds: string[],
    subscriptionTypes: string[],
    kinds: string[],
    objectIds: (string | null)[],
    propertyNames: (string | null)[],
    occurredAts: Date[],
    bodies: string[],
    receivedAt: Date,
  ]
>(`
  INSERT INTO hubspot_webhook_events (portal_id, dedupe_key, event_id, subscription_id, subscription_type, kind,
                                      object_id, property_name, occurred_at, body, received_at)
  SELECT x.*, $11 FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                              $8::text[], $9::timestamptz[], $10::text[]) AS x
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id::text, dedupe_key`);

/**
 * Serialises the webhook requests (and erasures) touching the same contacts, in a fixed order (no deadlock), so
 * "is this the latest change?" is answered after any concurrent request's changes have committed.
 */
export const LOCK_CONTACTS = sql<never, [portalIds: number[], contactIds: string[]]>(`
  SELECT pg_advisory_xact_lock(k)
    FROM (SELECT DISTINCT hashtextextended('hubspot-contact:' || p || ':' || c, 0) AS k
            FROM unnest($1::bigint[], $2::text[]) AS x(p, c) ORDER BY 1) AS keys`);

export const SERVED_PORTALS = sql<{ portal_id: string }, [portalIds: number[]]>(
  'SELECT portal_id FROM portals WHERE portal_id = ANY($1::bigint[])',
);

/** The do-not-call and consent properties the campaigns of these portals read. */
export const CAMPAIGN_PROPERTIES = sql<
  { portal_id: string; dnc_property: string; consent_property: string },
  [portalIds: number[]]
>(`
  SELECT DISTINCT portal_id, dnc_property, consent_property FROM campaigns WHERE portal_id = ANY($1::bigint[])`);

/** Of these property-change events, those a later-occurring change of the same contact and property overtook. */
export const SUPERSEDED_EVENTS = sql<{ id: string }, [eventRowIds: string[]]>(`
  SELECT e.id::text FROM hubspot_webhook_events e
   WHERE e.id = ANY($1::bigint[])
     AND EXISTS (SELECT 1 FROM hubspot_webhook_events l
                  WHERE l.portal_id = e.portal_id AND l.object_id = e.object_id
                    AND l.property_name = e.property_name AND l.kind = e.kind
                    AND (l.occurred_at, l.id) > (e.occurred_at, e.id))`);

/**
 * Forgets the cached dial-time check of the contact's rows in campaigns that read the property, and notes when:
 * the next dial reads HubSpot itself, and a read already under way is not stored over the change.
 */
export const INVALIDATE_DIAL_CHECKS = sql<
  never,
  [portalIds: number[], contactIds: string[], properties: string[], at: Date]
>(`
  UPDATE campaign_contacts cc
     SET crm_check = NULL, crm_checked_at = NULL, crm_changed_at = $4, updated_at = $4
    FROM unnest($1::bigint[], $2::text[], $3::text[]) AS x(portal_id, contact_id, property),
         campaigns c
   WHERE cc.portal_id = x.portal_id AND cc.contact_id = x.contact_id
     AND c.id = cc.campaign_id AND c.portal_id = cc.portal_id
     AND x.property IN (c.dnc_property, c.consent_property)`);

/** Do-not-call set in HubSpot: the contact's numbers (in campaigns reading that property) go on the list. */
export const SUPPRESS_CONTACT_PHONES = sql<
  never,
  [portalIds: number[], contactIds: string[], properties: string[]]
>(`
  INSERT INTO suppressions (portal_id, phone_e164, reason, source)
  SELECT DISTINCT cc.portal_id, cc.phone_e164, 'hubspot_property', cc.contact_id
    FROM unnest($1::bigint[], $2::text[], $3::text[]) AS x(portal_id, contact_id, property)
    JOIN campaign_contacts cc ON cc.portal_id = x.portal_id AND cc.contact_id = x.contact_id
    JOIN campaigns c ON c.id = cc.campaign_id AND c.portal_id = cc.portal_id AND c.dnc_property = x.property
   WHERE cc.phone_e164 IS NOT NULL AND cc.phone_e164 NOT LIKE 'erased:%'
  ON CONFLICT (portal_id, phone_e164) DO NOTHING`);

/**
 * Do-not-call cleared in HubSpot: only what a HubSpot property put on the list for this contact comes off; a
 * donor's own opt-out (or a wrong number) stays.
 */
export const UNSUPPRESS_CONTACT = sql<never, [portalIds: number[], contactIds: string[]]>(`
  DELETE FROM suppressions s
   USING unnest($1::bigint[], $2::text[]) AS x(portal_id, contact_id)
   WHERE s.portal_id = x.portal_id AND s.reason = 'hubspot_property' AND s.source = x.contact_id`);

/** Claimed, not yet dialled: certainly no call. The placement's move to dialing finds the claim gone. */
export const RELEASE_CLAIMS = sql<never, [portalIds: number[], contactIds: string[], at: Date]>(`
  UPDATE call_attempts a
     SET status = 'not_placed', not_placed_reason = 'contact_deleted', updated_at = $3
    FROM unnest($1::bigint[], $2::text[]) AS x(portal_id, contact_id), campaign_contacts cc
   WHERE cc.portal_id = x.portal_id AND cc.contact_id = x.contact_id
     AND a.campaign_contact_id = cc.id AND a.portal_id = cc.portal_id AND a.status = 'claimed'`);

/**
 * Deleted contacts: rows waiting to be called are skipped for good; a row whose call is under way ends with its
 * call (its retry, if any, finds the contact gone at dial time: see FORGET_DIAL_CHECKS).
 */
export const SKIP_PENDING = sql<{ id: string }, [portalIds: number[], contactIds: string[], at: Date]>(`
  UPDATE campaign_contacts cc
     SET state = 'skipped', skip_reason = 'contact_deleted', next_attempt_at = NULL, wait_reason = NULL,
         updated_at = $3
    FROM unnest($1::bigint[], $2::text[]) AS x(portal_id, contact_id)
   WHERE cc.portal_id = x.portal_id AND cc.contact_id = x.contact_id
     AND (cc.state IN ('imported', 'queued')
          OR (cc.state = 'dialing' AND NOT EXISTS (SELECT 1 FROM call_attempts a
                                                    WHERE a.campaign_contact_id = cc.id AND a.status IN ${LIVE})))
  RETURNING cc.id::text`);

/** Every row of the contacts forgets its dial-time check: a later dial reads HubSpot, which no longer has them. */
export const FORGET_DIAL_CHECKS = sql<never, [portalIds: number[], contactIds: string[], at: Date]>(`
  UPDATE campaign_contacts cc
     SET crm_check = NULL, crm_checked_at = NULL, crm_changed_at = $3
    FROM unnest($1::bigint[], $2::text[]) AS x(portal_id, contact_id)
   WHERE cc.portal_id = x.portal_id AND cc.contact_id = x.contact_id`);

/** A privacy deletion to carry out; a repeated request keeps the first time it was asked. */
export const REQUEST_ERASURE = sql<never, [portalId: number, contactId: string, at: Date]>(`
  INSERT INTO contact_erasures (portal_id, contact_id, requested_at) VALUES ($1, $2, $3)
  ON CONFLICT (portal_id, contact_id) DO NOTHING`);

export const MARK_EVENTS = sql<never, [eventRowIds: string[], outcomes: string[], at: Date]>(`
  UPDATE hubspot_webhook_events e SET outcome = x.outcome, processed_at = $3
    FROM unnest($1::bigint[], $2::text[]) AS x(id, outcome)
   WHERE e.id = x.id`);

export const MARK_EVENTS_PENDING = sql<never, [eventRowIds: string[], outcomes: string[]]>(`
  UPDATE hubspot_webhook_events e SET outcome = x.outcome
    FROM unnest($1::bigint[], $2::text[]) AS x(id, outcome)
   WHERE e.id = x.id`);

// --- Erasure of a privacy-deleted contact (each statement: one portal, one contact) ---

/** The erasure, locked against a concurrent run for the same contact; null when none was asked for. */
export const LOCK_ERASURE = sql<
  { requested_at: Date; erased_at: Date | null },
  [portalId: number, contactId: string]
>(`
  SELECT requested_at, erased_at FROM contact_erasures WHERE portal_id = $1 AND contact_id = $2 FOR UPDATE`);

/**
 * Still busy: a call of the contact is claimed or under way, or a post-call event of one of its calls is not yet
 * processed. Erasing then would leave the outcome, transcript and write-back of that call to land afterwards.
 */
export const CONTACT_BUSY = sql<{ busy: boolean }, [portalId: number, contactId: string]>(`
  WITH attempts AS (
    SELECT a.status, a.conversation_id FROM call_attempts a
      JOIN campaign_contacts cc ON cc.id = a.campaign_contact_id AND cc.portal_id = a.portal_id
     WHERE cc.portal_id = $1 AND cc.contact_id = $2)
  SELECT EXISTS (SELECT 1 FROM attempts WHERE status IN ${LIVE})
      OR EXISTS (SELECT 1 FROM webhook_events w JOIN attempts t ON t.conversation_id = w.conversation_id
                  WHERE w.processed_at IS NULL) AS busy`);

/** Every number the contact's rows hold (not yet erased). */
export const CONTACT_PHONES = sql<{ phone: string }, [portalId: number, contactId: string]>(`
  SELECT DISTINCT phone FROM (
    SELECT cc.phone_e164 AS phone FROM campaign_contacts cc WHERE cc.portal_id = $1 AND cc.contact_id = $2
    UNION
    SELECT a.phone_e164 FROM call_attempts a
      JOIN campaign_contacts cc ON cc.id = a.campaign_contact_id AND cc.portal_id = a.portal_id
     WHERE cc.portal_id = $1 AND cc.contact_id = $2) p
   WHERE phone IS NOT NULL AND phone NOT LIKE 'erased:%'`);

/**
 * The numbers' do-not-call entries become digests (same reason, same date): the person stays uncallable and the
 * number is gone. Numbers that were not on the list are not added: an erasure is not an objection.
 */
export const DIGEST_SUPPRESSIONS = sql<never, [portalId: number, phones: string[]]>(`
  WITH gone AS (
    DELETE FROM suppressions WHERE portal_id = $1 AND phone_e164 = ANY($2::text[])
    RETURNING portal_id, phone_e164, reason, created_at)
  INSERT INTO suppressions (portal_id, phone_e164, reason, source, created_at)
  SELECT portal_id, erased_phone_digest(portal_id, phone_e164), reason, 'privacy_deletion', created_at FROM gone
  ON CONFLICT (portal_id, phone_e164) DO NOTHING`);

/**
 * The contact's campaign rows keep their state, attempts and last outcome (campaign numbers still add up) and lose
 * everything about the person. A number the constraints require becomes a placeholder unique to the row.
 */
export const ERASE_CAMPAIGN_CONTACTS = sql<never, [portalId: number, contactId: string, at: Date]>(`
  UPDATE campaign_contacts
     SET phone_e164 = CASE WHEN state = 'skipped' THEN NULL ELSE 'erased:' || id END,
         first_name = NULL, variables = '{}', crm_check = NULL, crm_checked_at = NULL,
         time_zones = '{}', time_zone_source = NULL, us_state = NULL, updated_at = $3
   WHERE portal_id = $1 AND contact_id = $2`);

/**
 * The contact's calls keep their status, outcome and the anonymous figures the campaign statistics read (pledge
 * amount and frequency, duration, cost); the number, summary, transcript and callback time go, and a dial error
 * keeps its kind only (a provider's message may quote the number).
 */
export const ERASE_ATTEMPTS = sql<
  { id: string; conversation_id: string | null },
  [portalId: number, contactId: string, at: Date]
>(`
  UPDATE call_attempts a
     SET phone_e164 = 'erased:' || a.id,
         outcome_detail = CASE WHEN a.outcome_detail IS NULL THEN NULL ELSE jsonb_strip_nulls(jsonb_build_object(
           'outcome', a.outcome_detail->'outcome',
           'pledgeAmount', a.outcome_detail->'pledgeAmount',
           'pledgeFrequency', a.outcome_detail->'pledgeFrequency',
           'durationSecs', a.outcome_detail->'durationSecs',
           'cost', a.outcome_detail->'cost',
           'erased', true)) END,
         not_placed_reason = split_part(a.not_placed_reason, ':', 1),
         updated_at = $3
    FROM campaign_contacts cc
   WHERE cc.id = a.campaign_contact_id AND cc.portal_id = a.portal_id AND cc.portal_id = $1 AND cc.contact_id = $2
  RETURNING a.id::text, a.conversation_id`);

/** The post-call events of those calls (what ElevenLabs sent: transcript, numbers, variables) lose their body. */
export const ERASE_CALL_EVENTS = sql<
  never,
  [portalId: number, attemptIds: string[], conversationIds: string[]]
>(`
  UPDATE webhook_events SET body = NULL
   WHERE (portal_id = $1 OR portal_id IS NULL) AND body IS NOT NULL
     AND (attempt_id = ANY($2::uuid[]) OR conversation_id = ANY($3::text[]))`);

/** Write-back of those calls: nothing more goes to HubSpot about the person, and no error text is kept. */
export const ABANDON_WRITES = sql<never, [portalId: number, attemptIds: string[]]>(`
  UPDATE crm_writes
     SET status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END,
         last_error = CASE WHEN status = 'pending' THEN 'not written: the contact was privacy-deleted in HubSpot'
                      ELSE NULL END
   WHERE portal_id = $1 AND attempt_id = ANY($2::uuid[])`);

/**
 * The do-not-call decisions people made on the contact keep whether it was set and when, but not the numbers
 * it covered nor what was written as the reason (the numbers stay off limits through the suppressions' digests).
 */
export const ERASE_DO_NOT_CALL_RECORDS = sql<never, [portalId: number, contactId: string]>(`
  WITH decisions AS (
    UPDATE contact_do_not_call SET phones = '{}', reason = NULL, last_error = NULL
     WHERE portal_id = $1 AND contact_id = $2)
  UPDATE contact_do_not_call_changes SET phones = '{}', reason = NULL, removed = '[]'
   WHERE portal_id = $1 AND contact_id = $2`);

/**
 * Workflow enrolments of the contact keep their state and outcome but not the variables the workflow passed nor
 * the call's summary; call-now answers keep only whether a call was started.
 */
export const ERASE_WORKFLOW_RECORDS = sql<never, [portalId: number, contactId: string]>(`
  WITH enrolments AS (
    UPDATE workflow_enrolments SET variables = '{}', outputs = outputs - 'summary', last_error = NULL
     WHERE portal_id = $1 AND contact_id = $2)
  UPDATE call_now_requests SET answer = jsonb_build_object('erased', true, 'started', attempt_id IS NOT NULL)
   WHERE portal_id = $1 AND contact_id = $2`);

/** HubSpot's own events about the contact keep their columns (type, property name, time) but not their body. */
export const ERASE_CONTACT_EVENTS = sql<never, [portalId: number, contactId: string]>(`
  UPDATE hubspot_webhook_events SET body = NULL
   WHERE portal_id = $1 AND object_id = $2 AND body IS NOT NULL`);

export const MARK_ERASED = sql<never, [portalId: number, contactId: string, at: Date]>(`
  WITH done AS (UPDATE contact_erasures SET erased_at = $3 WHERE portal_id = $1 AND contact_id = $2)
  UPDATE hubspot_webhook_events SET outcome = 'applied: contact erased', processed_at = $3
   WHERE portal_id = $1 AND object_id = $2 AND kind = 'contact_privacy_deletion' AND processed_at IS NULL`);
