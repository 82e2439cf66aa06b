-- Campaigns, their contacts, one row per dial, and the per-portal do-not-call list.
-- Every row carries portal_id; queries always filter on it, so one portal never sees another's rows.

CREATE TABLE campaigns (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  portal_id bigint NOT NULL REFERENCES portals (portal_id),
  name text NOT NULL,
  hubspot_list_id text NOT NULL,
  agent_id text NOT NULL,
  phone_number_id text NOT NULL,
  phone_provider text NOT NULL CHECK (phone_provider IN ('twilio', 'sip_trunk')),
  -- Calling window in each contact's local time: ISO weekdays, minutes after midnight (end exclusive).
  calling_days smallint[] NOT NULL,
  window_start_minute integer NOT NULL CHECK (window_start_minute BETWEEN 0 AND 1439),
  window_end_minute integer NOT NULL CHECK (window_end_minute BETWEEN 1 AND 1440),
  blackout_dates date[] NOT NULL DEFAULT '{}',
  -- Only for contacts whose zone is unknown; NULL means such contacts are not called.
  default_time_zone text,
  retry_policy jsonb NOT NULL,
  max_attempts integer NOT NULL CHECK (max_attempts BETWEEN 1 AND 10),
  concurrency_cap integer NOT NULL CHECK (concurrency_cap > 0),
  daily_cap integer NOT NULL CHECK (daily_cap > 0),
  dials_per_second numeric NOT NULL DEFAULT 1 CHECK (dials_per_second > 0),
  starts_at timestamptz NOT NULL DEFAULT now(),
  require_consent boolean NOT NULL DEFAULT true,
  consent_property text NOT NULL DEFAULT 'ai_call_consent',
  dnc_property text NOT NULL DEFAULT 'fundraising_do_not_call',
  variable_properties jsonb NOT NULL DEFAULT '{}',
  default_region text NOT NULL DEFAULT 'US',
  status text NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'importing', 'ready', 'active', 'paused', 'completed', 'cancelled')),
  -- Import progress, visible to the UI. import_after is the memberships cursor of the next page to fetch.
  import_total integer,
  import_done integer NOT NULL DEFAULT 0,
  import_after text,
  import_error text,
  -- Round-robin fairness across campaigns when the account-wide cap is the limit.
  last_dispatched_at timestamptz NOT NULL DEFAULT '-infinity',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX campaigns_portal ON campaigns (portal_id, created_at DESC);
CREATE INDEX campaigns_active ON campaigns (last_dispatched_at) WHERE status = 'active';

CREATE TABLE campaign_contacts (
  id bigserial PRIMARY KEY,
  portal_id bigint NOT NULL,
  campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  contact_id text NOT NULL, -- the HubSpot record id
  phone_e164 text,
  -- Candidate IANA zones: one when known, several when the number's prefix spans zones (calls must fit all).
  time_zones text[] NOT NULL DEFAULT '{}',
  time_zone_source text,
  us_state text, -- two-letter code, for states with stricter calling hours
  first_name text,
  variables jsonb NOT NULL DEFAULT '{}', -- dynamic variables handed to the agent
  -- imported: waiting for launch; queued: due at next_attempt_at; dialing: an attempt is in flight;
  -- done: finished (last_outcome says how); skipped: never called (skip_reason says why).
  state text NOT NULL CHECK (state IN ('imported', 'queued', 'dialing', 'done', 'skipped')),
  skip_reason text
    CHECK (skip_reason IN ('no_phone', 'invalid_phone', 'duplicate_phone', 'suppressed', 'no_consent', 'no_time_zone')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  -- Why the contact waits (outside_window, frequency_cap, retry, callback, at_capacity, reconciling, ...), for the UI.
  wait_reason text,
  last_outcome text,
  last_attempt_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (campaign_id, contact_id),
  CHECK ((state = 'skipped') = (skip_reason IS NOT NULL)),
  CHECK (state IN ('skipped') OR phone_e164 IS NOT NULL)
);
-- The dispatcher's hot path: due contacts of one campaign, earliest first.
CREATE INDEX campaign_contacts_due ON campaign_contacts (campaign_id, next_attempt_at) WHERE state = 'queued';
-- Duplicate phones within a campaign are skipped at import: one callable row per number.
CREATE UNIQUE INDEX campaign_contacts_one_per_phone ON campaign_contacts (campaign_id, phone_e164)
  WHERE state <> 'skipped';
CREATE INDEX campaign_contacts_by_state ON campaign_contacts (campaign_id, state);

-- One row per dial (or attempted dial). The status moves forward only:
--   claimed   the dispatcher took a slot and enqueued the placement job; nothing was sent
--   dialing   committed just before the API request: from here the call may exist
--   placed    ElevenLabs answered with a conversation id
--   unknown   the dial's result is unknown (timeout, 5xx, crash): reconcile before any redial
--   ended     the outcome is in
--   not_placed certainly no call: at capacity, rejected, released, or reconciled as never placed
CREATE TABLE call_attempts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  portal_id bigint NOT NULL,
  campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  campaign_contact_id bigint NOT NULL REFERENCES campaign_contacts (id) ON DELETE CASCADE,
  contact_id text NOT NULL,
  phone_e164 text NOT NULL,
  phone_number_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('claimed', 'dialing', 'placed', 'unknown', 'ended', 'not_placed')),
  conversation_id text UNIQUE,
  call_sid text,
  not_placed_reason text,
  outcome text,
  outcome_detail jsonb,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  dial_started_at timestamptz,
  placed_at timestamptz,
  ended_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Invariant: one person never has two calls in flight, whatever the campaigns.
CREATE UNIQUE INDEX call_attempts_one_live_per_phone ON call_attempts (portal_id, phone_e164)
  WHERE status IN ('claimed', 'dialing', 'placed', 'unknown');
CREATE INDEX call_attempts_live ON call_attempts (campaign_id) WHERE status IN ('claimed', 'dialing', 'placed', 'unknown');
-- Frequency cap (dials per number per 24 h) and daily caps look back by time.
CREATE INDEX call_attempts_phone_recent ON call_attempts (portal_id, phone_e164, dial_started_at);
CREATE INDEX call_attempts_campaign_day ON call_attempts (campaign_id, dial_started_at);
CREATE INDEX call_attempts_contact ON call_attempts (campaign_contact_id);

-- The portal's do-not-call list. Checked at import and again at dial time.
CREATE TABLE suppressions (
  portal_id bigint NOT NULL REFERENCES portals (portal_id),
  phone_e164 text NOT NULL,
  reason text NOT NULL, -- opted_out, wrong_number, manual, hubspot_property
  source text, -- e.g. the attempt id or the user who added it
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (portal_id, phone_e164)
);

-- Dial pacing per caller number (carriers flag numbers that dial too fast): the next free dial slot.
-- Keyed by the ElevenLabs phone number alone: a number is the account's, whichever portal's campaign uses it.
CREATE TABLE caller_pacing (
  phone_number_id text PRIMARY KEY,
  next_slot_at timestamptz NOT NULL DEFAULT '-infinity'
);
