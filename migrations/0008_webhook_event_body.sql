-- Webhook bodies are kept verbatim, as text. jsonb reformatted them, and it cannot hold some valid JSON at all
-- (a \u0000 escape, nesting deeper than Postgres' stack allows): one such event failed every event stored in
-- the same group commit. Processing parses the text in Node.
ALTER TABLE webhook_events ADD COLUMN body text;
UPDATE webhook_events SET body = payload::text WHERE payload IS NOT NULL;
ALTER TABLE webhook_events DROP COLUMN payload;
