-- Copies the raw events into the fine-grained table. The views hang on the name call_events, so
-- this copy feeds no rollup; it runs once, with ingest stopped (migrations run at start, before
-- the worker consumes), so no event arrives between the copy and the swap.
INSERT INTO call_events_fine_granules SELECT * FROM call_events
