-- A 429 from ElevenLabs with a Retry-After holds every process's dials until it has passed: the provider's word is
-- for the account, not only for the process that heard it. One row per provider; `until` is on the engine's clock.
CREATE TABLE provider_backoff (
  provider text PRIMARY KEY,
  until timestamptz NOT NULL,
  reason text,
  updated_at timestamptz NOT NULL
);
