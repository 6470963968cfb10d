-- Team totals by UTC day (kept forever): the whole days of summaries and team-level trends and
-- rankings by team or source. Bounded by teams x days (at 10M events in 30 days: 18,600 rows),
-- so a 30-day summary across all teams merges a few thousand latency and user states instead
-- of hundreds of thousands.
CREATE TABLE IF NOT EXISTS usage_team_totals_1d
(
    day                 Date,
    team_id             UUID,
    source              LowCardinality(String),
    requests            SimpleAggregateFunction(sum, UInt64),
    successes           SimpleAggregateFunction(sum, UInt64),
    errors              SimpleAggregateFunction(sum, UInt64),
    input_tokens        SimpleAggregateFunction(sum, UInt64),
    output_tokens       SimpleAggregateFunction(sum, UInt64),
    cache_read_tokens   SimpleAggregateFunction(sum, UInt64),
    cache_write_tokens  SimpleAggregateFunction(sum, UInt64),
    cost                SimpleAggregateFunction(sum, Decimal(38, 15)),
    credits             SimpleAggregateFunction(sum, Decimal(38, 15)),
    latency             AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    users               AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, team_id, source)
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 10000
