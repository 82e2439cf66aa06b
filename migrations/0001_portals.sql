-- Tenants: one row per HubSpot portal (account) that installed the app or is served by a private-app token.
-- Every tenant-owned table references portal_id, so one portal can never see another's rows.
CREATE TABLE portals (
  portal_id bigint PRIMARY KEY,
  name text NOT NULL DEFAULT '',
  -- 'oauth' for marketplace installs, 'private_app' for a single organisation's static token, 'sandbox' for the demo portal
  auth_kind text NOT NULL CHECK (auth_kind IN ('oauth', 'private_app', 'sandbox')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
