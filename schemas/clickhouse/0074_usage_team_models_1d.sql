-- Requests by team and model per UTC day (kept forever): a breakdown by team's model lists and
-- a team's requests by model over whole days. They were read from the user-model day table,
-- every user of the page's teams (at 100M events a page of the 50 busiest teams read nearly all
-- of its 180,000 rows a day: 44 ms); here a team has one row per model and day. Fed by the
-- user-model hour table's inserts, as usage_user_models_1d.
CREATE TABLE IF NOT EXISTS usage_team_models_1d
(
    day                 Date,
    team_id             UUID,
    model               LowCardinality(String),
    requests            SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, team_id, model)
SETTINGS non_replicated_deduplication_window = 10000
