-- Each portal's campaign defaults, saved on the settings page (PUT /api/settings): what a new campaign starts from.
-- One row per portal, written whole; a portal without a row uses the built-in defaults.
CREATE TABLE portal_settings (
  portal_id bigint PRIMARY KEY REFERENCES portals (portal_id),
  -- {timeZone, window, retryPolicy, maxAttempts, consent: {required, property}, doNotCallProperty}, as validated by
  -- shared/src/api-settings.ts (parsed again on read, so a row written by an older version cannot break the page).
  defaults jsonb NOT NULL,
  updated_by_user_id bigint,
  updated_at timestamptz NOT NULL
);
