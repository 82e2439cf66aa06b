-- The "Place AI call" workflow action and "call this contact now".

-- One row per workflow-action execution HubSpot sent us (UNIQUE per callback id: a repeated delivery is a no-op).
-- An enrolment moves forward only:
--   received    stored and answered BLOCK; the contact is not yet read nor in the campaign
--   waiting     the contact is a row of the campaign (campaign_contact_id); its final state is awaited
--   settled     the outcome is known: outputs fixed, the callback completion is owed to HubSpot
--   completed   HubSpot accepted the completion
--   expired     it passed expires_at (the BLOCK's hs_expiration_duration) before it could be sent: HubSpot has
--               moved the workflow on without it, so it is not sent
--   failed      HubSpot refused the completion for good (e.g. an unknown callback): kept for ops, not retried
CREATE TABLE workflow_enrolments (
  id bigserial PRIMARY KEY,
  portal_id bigint NOT NULL REFERENCES portals (portal_id),
  callback_id text NOT NULL,
  -- As chosen in the action; not a foreign key: an unknown or malformed id is recorded and answered not_called.
  campaign_ref text NOT NULL,
  campaign_id uuid REFERENCES campaigns (id) ON DELETE SET NULL,
  contact_id text NOT NULL,
  workflow_id bigint,
  -- The workflow's dynamic variables, merged over the ones the campaign takes from the contact.
  variables jsonb NOT NULL DEFAULT '{}',
  campaign_contact_id bigint REFERENCES campaign_contacts (id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'received'
    CHECK (status IN ('received', 'waiting', 'settled', 'completed', 'expired', 'failed')),
  -- The callback completion's output fields (strings), set when settled.
  outputs jsonb,
  execution_state text CHECK (execution_state IN ('SUCCESS', 'FAIL_CONTINUE')),
  expires_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  settled_at timestamptz,
  finished_at timestamptz,
  -- Completion runs that failed for this row, and why; the sweep resends rows no run touched for a while.
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  updated_at timestamptz NOT NULL,
  UNIQUE (portal_id, callback_id),
  CHECK ((status IN ('settled', 'completed', 'failed')) = (outputs IS NOT NULL) OR status = 'expired')
);
-- The jobs' and the sweep's queries: a portal's rows in one status, in order.
CREATE INDEX workflow_enrolments_open ON workflow_enrolments (portal_id, status, id)
  WHERE status IN ('received', 'waiting', 'settled');
-- Recording an outcome looks up the enrolments waiting on that contact row.
CREATE INDEX workflow_enrolments_contact ON workflow_enrolments (campaign_contact_id) WHERE status = 'waiting';

-- "Call this contact now" requests from the card: who asked (HubSpot user), under which idempotency key, and the
-- answer given, so a retried request (HubSpot's proxy retries) gets the same answer and never a second dial.
CREATE TABLE call_now_requests (
  id bigserial PRIMARY KEY,
  portal_id bigint NOT NULL REFERENCES portals (portal_id),
  idempotency_key text NOT NULL,
  campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  contact_id text NOT NULL,
  user_id bigint,
  -- The answer (shared callNowResponseSchema); attempt_id when a call was started.
  answer jsonb NOT NULL,
  attempt_id uuid REFERENCES call_attempts (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (portal_id, idempotency_key)
);
