/**
 * The next due contacts of each active campaign, in the dispatcher's claim order, with whether their stored HubSpot check is
 * still fresh for the campaign's current do-not-call and consent properties.
 * $1 due before, $2 fresh after, $3 contacts per campaign.
 */
export const DIAL_CHECK_CANDIDATES = `
  SELECT c.id::text AS campaign_id, c.portal_id, c.dnc_property, c.consent_property,
         n.id AS campaign_contact_id, n.contact_id, n.fresh
    FROM campaigns c
   CROSS JOIN LATERAL (
         SELECT cc.id, cc.contact_id, cc.next_attempt_at,
                coalesce(cc.crm_checked_at > $2
                         AND cc.crm_check->>'dncProperty' = c.dnc_property
                         AND cc.crm_check->>'consentProperty' = c.consent_property, false) AS fresh
           FROM campaign_contacts cc
          WHERE cc.campaign_id = c.id AND cc.portal_id = c.portal_id
            AND cc.state = 'queued' AND cc.next_attempt_at <= $1
          ORDER BY cc.next_attempt_at, cc.id
          LIMIT $3) n
   WHERE c.status = 'active'
   ORDER BY c.id, n.next_attempt_at, n.id`;

/** $1 portal, $2 campaign contact ids, $3 checks (same order), $4 when the read was sent. Also after a live read. */
export const STORE_DIAL_CHECKS = `
  UPDATE campaign_contacts cc
     SET crm_check = v.checked, crm_checked_at = $4
    FROM unnest($2::bigint[], $3::jsonb[]) AS v(id, checked)
   WHERE cc.id = v.id AND cc.portal_id = $1`;
