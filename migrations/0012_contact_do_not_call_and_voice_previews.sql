-- Do-not-call set or cleared by a person on a contact (PUT /api/contacts/:id/do-not-call), and voice previews.

-- The latest do-not-call decision per contact, and the HubSpot property write it owes. The row is the outbox:
-- it is written in the same transaction as the suppressions, with the sync job; the job writes the property's
-- value as the row says when it runs, and marks it synced only for the version it wrote (a newer decision made
-- meanwhile has its own job). HubSpot down leaves the row pending and the job retrying, never a lost write.
CREATE TABLE contact_do_not_call (
  portal_id bigint NOT NULL REFERENCES portals (portal_id),
  contact_id text NOT NULL, -- the HubSpot record id
  do_not_call boolean NOT NULL,
  -- What the person wrote, if anything.
  reason text,
  -- The numbers (E.164) the decision covered: the contact's numbers in our campaigns and in HubSpot at the time.
  phones text[] NOT NULL DEFAULT '{}',
  -- The HubSpot contact properties that carry do-not-call for this contact (each campaign names its own).
  properties text[] NOT NULL,
  changed_by_user_id bigint,
  changed_at timestamptz NOT NULL,
  -- Bumped on every decision; the sync job marks the version it wrote.
  version integer NOT NULL DEFAULT 1,
  -- pending: HubSpot not yet written for this version; done: written; failed: HubSpot refused it for good
  -- (the contact was deleted, the property does not exist): kept for ops, not retried.
  sync_status text NOT NULL DEFAULT 'pending' CHECK (sync_status IN ('pending', 'done', 'failed')),
  synced_version integer,
  sync_attempts integer NOT NULL DEFAULT 0,
  last_error text,
  synced_at timestamptz,
  PRIMARY KEY (portal_id, contact_id)
);
-- "Is this number held by another contact's do-not-call?" when a contact's is cleared (shared household lines).
CREATE INDEX contact_do_not_call_phones ON contact_do_not_call USING gin (phones) WHERE do_not_call;

-- Every decision, for the record: who set or cleared do-not-call on which contact, and what a clear removed
-- (a donor's own opt-out removed with the explicit override shows here).
CREATE TABLE contact_do_not_call_changes (
  id bigserial PRIMARY KEY,
  portal_id bigint NOT NULL,
  contact_id text NOT NULL,
  do_not_call boolean NOT NULL,
  reason text,
  user_id bigint,
  phones text[] NOT NULL,
  -- Suppressions a clear removed: [{"phone": "+1...", "reason": "manual", "source": "user:7001"}].
  removed jsonb NOT NULL DEFAULT '[]',
  override_opt_out boolean NOT NULL DEFAULT false,
  at timestamptz NOT NULL
);
CREATE INDEX contact_do_not_call_changes_contact ON contact_do_not_call_changes (portal_id, contact_id, id);

-- Text-to-speech samples behind short-lived signed links (the card opens the link; it has no audio element).
-- Generated when the link is asked for, so an unknown voice or a provider failure is answered to the card,
-- and deleted once expired.
CREATE TABLE voice_previews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  portal_id bigint NOT NULL REFERENCES portals (portal_id),
  voice_id text NOT NULL,
  -- sha256 of the text: the same line for the same voice is served from the stored sample while it lives.
  text_sha256 text NOT NULL,
  audio bytea NOT NULL,
  created_by_user_id bigint,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX voice_previews_expiry ON voice_previews (expires_at);
CREATE INDEX voice_previews_reuse ON voice_previews (portal_id, voice_id, text_sha256, expires_at);
