-- The global "stop all dialling" switch: one row, read by every dispatcher tick and by every placement, in every
-- process, so a stop holds across all workers within one dispatch tick. Who stopped it and why stay with it:
-- changed_by is 'env:DIALLING_STOPPED' (set at start-up) or 'ops[:user]' (the ops route).
CREATE TABLE dialling_switch (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  stopped boolean NOT NULL DEFAULT false,
  reason text,
  changed_by text,
  changed_at timestamptz
);
INSERT INTO dialling_switch (singleton, stopped) VALUES (true, false);
