-- event_id -> first ingest time, the worker's dedup index (kept 8 days, so the window is at
-- least 7). It is fed by a materialized view from call_events, so an id is recorded in the
-- same insert that stores its event: never recorded without the event, never the reverse.
CREATE TABLE IF NOT EXISTS event_ids
(
    event_id    String,
    first_seen  DateTime('UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY event_id
TTL first_seen + INTERVAL 8 DAY
SETTINGS non_replicated_deduplication_window = 10000
