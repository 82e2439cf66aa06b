-- A campaign fed by a HubSpot workflow ("Place AI call") or by "call now" has nothing to dial between enrolments:
-- when open for enrolments it stays active while idle, and ends only when someone cancels it.
ALTER TABLE campaigns ADD COLUMN open_for_enrolments boolean NOT NULL DEFAULT false;
