-- Each placed call is looked up at the provider when it should have ended (ring timeout + maximum call duration +
-- a margin), so a lost webhook frees its call slot within minutes instead of at a periodic sweep; a call the
-- provider has no trace of, after several looks over a grace period, ends as failed.
ALTER TABLE call_attempts
  ADD COLUMN check_due_at timestamptz,
  -- Looks that found no conversation at the provider, and when the first of them was.
  ADD COLUMN missing_looks int NOT NULL DEFAULT 0,
  ADD COLUMN missing_since timestamptz;

-- Calls placed before this migration: due as the old reconciliation would have looked at them.
UPDATE call_attempts SET check_due_at = placed_at + interval '15 minutes' WHERE status = 'placed';

-- The sweep looks for placed calls whose look is overdue (its job lost).
DROP INDEX call_attempts_placed;
CREATE INDEX call_attempts_check_due ON call_attempts (check_due_at) WHERE status = 'placed';
