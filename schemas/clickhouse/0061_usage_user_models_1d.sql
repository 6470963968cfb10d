-- Which models each user called, per UTC day (kept forever): the model lists of a breakdown by
-- user over whole days. The detail day rollup answered them, but it keys key, service, model
-- type and source too (at 100M events 7.1M rows in 30 days) and is sorted by team, so a page of
-- users read all of it. Fed by the hour table's inserts; sorted by user within a day, in
-- granules of 1,024 rows, as the hour table.
CREATE TABLE IF NOT EXISTS usage_user_models_1d
(
    day                 Date,
    team_id             UUID,
    user_id             UUID,
    model               LowCardinality(String),
    requests            SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, user_id, team_id, model)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 1024
