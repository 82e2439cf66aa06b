-- Do-not-call and consent as read from HubSpot shortly before the dial, for up to 100 due contacts per request
-- (one request per batch instead of one per dial). A dial relies on this only while it is younger than
-- DIAL_CHECK_MAX_AGE_SECONDS and was read for the campaign's current properties; otherwise placement reads
-- the contact itself at the moment of dialling.
--   crm_check: {"dncProperty": name, "consentProperty": name, "dnc": value or null, "consent": value or null}
ALTER TABLE campaign_contacts
  ADD COLUMN crm_check jsonb,
  ADD COLUMN crm_checked_at timestamptz;

-- The dispatcher claims due contacts in (next_attempt_at, id) order and the pre-dial reads follow the same order,
-- so that the contacts read ahead are the ones dialled next (many contacts share one next_attempt_at at launch).
DROP INDEX campaign_contacts_due;
CREATE INDEX campaign_contacts_due ON campaign_contacts (campaign_id, next_attempt_at, id) WHERE state = 'queued';
