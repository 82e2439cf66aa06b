-- The HubSpot write-back outbox: one row per finished attempt, inserted in the transaction that records the
-- outcome, so an outcome can never be recorded without its write-back being owed. Each part (the Calls
-- engagement, the contact properties, the app event) is marked done as HubSpot confirms it; a retry only does
-- what is left.
CREATE TABLE crm_writes (
  id bigserial PRIMARY KEY,
  portal_id bigint NOT NULL REFERENCES portals (portal_id),
  -- UNIQUE: an outcome is queued for write-back once, however often its webhook is replayed.
  attempt_id uuid NOT NULL UNIQUE REFERENCES call_attempts (id) ON DELETE CASCADE,
  -- pending: something is left to write; done: every part landed;
  -- failed: HubSpot refused a part for good (e.g. the contact was deleted): kept for ops, not retried.
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  -- Write-back runs in which a part of this row failed.
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  hubspot_call_id text,
  -- Set when a Calls create for this row got no answer (HubSpot may or may not have created it): the call is
  -- looked up by the attempt id before anything is created again.
  call_unknown_at timestamptz,
  call_done boolean NOT NULL DEFAULT false,
  contact_done boolean NOT NULL DEFAULT false,
  app_event_done boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz,
  CHECK ((status = 'done') = (done_at IS NOT NULL))
);
-- The drain's query: a portal's pending rows in order.
CREATE INDEX crm_writes_pending ON crm_writes (portal_id, id) WHERE status = 'pending';

-- When the app's property group and properties were created in the portal (NULL: not yet).
ALTER TABLE portals ADD COLUMN crm_setup_at timestamptz;
-- The fullyQualifiedName of our app event type once HubSpot approved app events for this portal; NULL = off.
ALTER TABLE portals ADD COLUMN app_events_event_type text;

-- The contact properties are computed from all of a contact's outcomes in the portal (latest wins), and the
-- attempts count from all of its campaign rows: both are looked up by contact.
CREATE INDEX call_attempts_portal_contact ON call_attempts (portal_id, contact_id, ended_at) WHERE status = 'ended';
CREATE INDEX campaign_contacts_portal_contact ON campaign_contacts (portal_id, contact_id);
