-- Adds the skip index idx_request_id to the raw events. Parts written before get it as they merge
-- (a merge writes every index; no MATERIALIZE INDEX rewriting 90 days of events at start); until
-- then a read that could skip with it reads them whole. Generated: npm run schema:generate --
-- add-raw-index idx_request_id

ALTER TABLE call_events
    ADD INDEX IF NOT EXISTS idx_request_id request_id TYPE bloom_filter(0.001) GRANULARITY 4;
