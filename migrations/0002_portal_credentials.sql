-- OAuth tokens per installed portal, encrypted at rest with AES-256-GCM (TOKEN_ENCRYPTION_KEY).
-- Each *_enc column is version | iv | tag | ciphertext; the portal id and column are bound in as authenticated data,
-- so a value copied into another row or column does not decrypt. Private-app portals keep their static token in
-- the environment and have no row here.
CREATE TABLE portal_credentials (
  portal_id bigint PRIMARY KEY REFERENCES portals (portal_id) ON DELETE CASCADE,
  access_token_enc bytea NOT NULL,
  refresh_token_enc bytea NOT NULL,
  -- When the access token stops working; refreshed a few minutes before.
  expires_at timestamptz NOT NULL,
  scopes text[] NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now()
);
