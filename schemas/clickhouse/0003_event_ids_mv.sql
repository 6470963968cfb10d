CREATE MATERIALIZED VIEW IF NOT EXISTS event_ids_mv TO event_ids AS
SELECT event_id, toDateTime(ingested_at, 'UTC') AS first_seen
FROM call_events
