-- HubSpot webhooks (POST /webhooks/hubspot): every event HubSpot sent, stored before the 2xx, and what a contact's
-- do-not-call or consent change, deletion or privacy deletion did to our rows.

CREATE TABLE hubspot_webhook_events (
  id bigserial PRIMARY KEY,
  -- The portal the event is about, as HubSpot signed it. Events of portals we do not serve are kept and ignored.
  portal_id bigint NOT NULL,
  -- portal:subscription:eventId:objectId:occurredAt. A redelivery repeats all of them (only attemptNumber grows);
  -- HubSpot does not promise eventId unique on its own, so it is not the key alone.
  dedupe_key text NOT NULL UNIQUE,
  event_id text NOT NULL,
  subscription_id text NOT NULL,
  subscription_type text NOT NULL,
  -- contact_property_change, contact_deletion, contact_privacy_deletion, or other (stored and ignored).
  kind text NOT NULL,
  object_id text,
  property_name text,
  occurred_at timestamptz NOT NULL,
  -- The event as received (JSON). Emptied when its contact is erased: a property value can be personal.
  body text,
  received_at timestamptz NOT NULL DEFAULT now(),
  -- What it did (applied, superseded by a later change, ignored and why, erased); NULL while an erasure waits.
  outcome text,
  processed_at timestamptz
);
-- The latest change of a contact's property wins (HubSpot does not deliver in order): looked up by contact.
CREATE INDEX hubspot_webhook_events_contact
  ON hubspot_webhook_events (portal_id, object_id, property_name, occurred_at);

-- A contact HubSpot privacy-deleted: its personal data is erased from every table once its calls have ended.
CREATE TABLE contact_erasures (
  portal_id bigint NOT NULL REFERENCES portals (portal_id),
  contact_id text NOT NULL,
  requested_at timestamptz NOT NULL,
  erased_at timestamptz,
  PRIMARY KEY (portal_id, contact_id)
);

-- When a webhook last changed the contact's do-not-call or consent (or deleted it). A HubSpot read sent before
-- then is not stored as the contact's check: it may hold the value the change replaced.
ALTER TABLE campaign_contacts ADD COLUMN crm_changed_at timestamptz;

-- A contact deleted in HubSpot before it was called is skipped for good.
ALTER TABLE campaign_contacts DROP CONSTRAINT campaign_contacts_skip_reason_check;
ALTER TABLE campaign_contacts ADD CONSTRAINT campaign_contacts_skip_reason_check
  CHECK (skip_reason IN ('no_phone', 'invalid_phone', 'duplicate_phone', 'suppressed', 'no_consent', 'no_time_zone',
                         'contact_deleted'));

-- An erased person's do-not-call entry is kept as a one-way digest of the number (salted with the portal), never
-- the number: a later contact with that number is still not called. Checks match the number or its digest.
CREATE FUNCTION erased_phone_digest(portal_id bigint, phone text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT 'sha256:' || encode(sha256(convert_to(portal_id::text || ':' || phone, 'UTF8')), 'hex') $$;

-- Erasure finds a contact's post-call events by conversation, including events never matched to an attempt.
CREATE INDEX webhook_events_conversation ON webhook_events (conversation_id);
