-- A campaign's results are read in dial order: the card's attempt list (newest first, paged) and the CSV export
-- (oldest first, in keyset pages of (dial time, id)). Without this index each page sorted all of the campaign's
-- attempts (a 100,000-attempt export took minutes); with it a page is an index range scan. Only dials that left
-- carry a dial time, and only those are results.
CREATE INDEX call_attempts_results ON call_attempts (campaign_id, dial_started_at, id)
  WHERE dial_started_at IS NOT NULL;
