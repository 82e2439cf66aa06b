-- The HubSpot app surface: portals connect (OAuth install or a private app's token) and can be disconnected; the
-- signed API records who changed what; creating requests carry an idempotency key (HubSpot's proxy retries).

-- A portal whose token was revoked or that uninstalled the app is disconnected: its campaigns are paused with the
-- reason, and nothing is sent to HubSpot for it until it installs again.
ALTER TABLE portals
  ADD COLUMN status text NOT NULL DEFAULT 'connected' CHECK (status IN ('connected', 'disconnected')),
  ADD COLUMN status_reason text,
  ADD COLUMN status_changed_at timestamptz,
  -- The HubSpot user who installed the app (OAuth), when known.
  ADD COLUMN installed_by_user_id bigint;

-- OAuth `state` values handed out by /oauth/install: single use (deleted when consumed), short lived.
CREATE TABLE oauth_states (
  state text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

ALTER TABLE campaigns
  -- The key of the create request: a retry of the same create returns the same campaign.
  ADD COLUMN idempotency_key text,
  -- Who created it (HubSpot user id from the signed request); null when created by code or a workflow.
  ADD COLUMN created_by_user_id bigint,
  -- Why the campaign has its status when the service (not a user) set it, e.g. the portal was disconnected.
  ADD COLUMN status_reason text,
  -- The agent's first message for this campaign, with {{variables}}; null keeps the agent's own.
  ADD COLUMN first_message text;
CREATE UNIQUE INDEX campaigns_idempotency ON campaigns (portal_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- Every change a person (or the service) made to a campaign: created, launched, paused, resumed, cancelled,
-- edited. user_id is the HubSpot user from the signed request; null when the service acted on its own.
CREATE TABLE campaign_changes (
  id bigserial PRIMARY KEY,
  portal_id bigint NOT NULL,
  campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  user_id bigint,
  action text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}',
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX campaign_changes_campaign ON campaign_changes (campaign_id, id);
