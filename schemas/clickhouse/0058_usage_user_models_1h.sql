-- Which models each user called, per hour (kept 400 days): the model lists of a breakdown by
-- user for the partial days at a range's edges, which no other hour rollup can answer (the key
-- hour rollup leaves the model out), so they were read from raw events: at 10M events, 90 of a
-- breakdown's 160 ms. Requests only: it answers nothing else, and stays cheap to feed and to
-- keep (at 10M events 5.4M rows but 24 MiB, against raw's 813 MiB).
-- Sorted by user within a day, in granules of 1,024 rows: it is read for one page of users.
CREATE TABLE IF NOT EXISTS usage_user_models_1h
(
    hour                DateTime('UTC'),
    team_id             UUID,
    user_id             UUID,
    model               LowCardinality(String),
    requests            SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (toDate(hour), user_id, hour, team_id, model)
TTL hour + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1, index_granularity = 1024
