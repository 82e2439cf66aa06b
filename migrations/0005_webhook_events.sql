-- Every post-call event ElevenLabs sent us (or that reconciliation fetched), stored before we answer 200.
-- The natural key makes a replay (or a webhook and its reconciled twin) a no-op.
CREATE TABLE webhook_events (
  id bigserial PRIMARY KEY,
  -- Events arrive without a tenant: portal_id is filled in when the event is matched to our attempt.
  portal_id bigint,
  event_type text NOT NULL,
  conversation_id text,
  -- event_type:conversation_id, or event_type:sha256(body) for events without a conversation id.
  dedupe_key text NOT NULL UNIQUE,
  event_timestamp timestamptz,
  source text NOT NULL DEFAULT 'webhook' CHECK (source IN ('webhook', 'reconciliation')),
  -- NULL for post_call_audio unless recordings are kept.
  payload jsonb,
  received_at timestamptz NOT NULL DEFAULT now(),
  attempt_id uuid,
  processed_at timestamptz,
  process_error text
);
CREATE INDEX webhook_events_unprocessed ON webhook_events (received_at) WHERE processed_at IS NULL;
CREATE INDEX webhook_events_attempt ON webhook_events (attempt_id);

-- Which data-collection and evaluation ids the outcome classifier reads for this campaign's agent.
ALTER TABLE campaigns ADD COLUMN classification jsonb NOT NULL DEFAULT '{}';
-- Reconciliation looks for placed calls that have gone quiet.
CREATE INDEX call_attempts_placed ON call_attempts (placed_at) WHERE status = 'placed';
