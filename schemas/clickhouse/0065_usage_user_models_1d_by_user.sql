-- The day table of which models each user called, sorted by user first, in monthly partitions.
-- Sorted by day first (0061), a page of 50 users read 50 scattered granules of every day of
-- its range (at 100M events 1,300 granules of 1,024 rows for 30 days); user first, it reads each
-- user's run of days, 88 granules. The range still prunes by partition and, inside a user's run,
-- by day. A team's lists (a breakdown by team) read its months whole, as they read every user's
-- rows of each day before.
CREATE TABLE IF NOT EXISTS usage_user_models_1d_by_user
(
    day                 Date,
    team_id             UUID,
    user_id             UUID,
    model               LowCardinality(String),
    requests            SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (user_id, day, team_id, model)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 1024
