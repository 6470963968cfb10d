-- Platform hour rollup (kept 400 days): questions across all teams (SRE and finance views,
-- which carry no team filter) by service, model, model type or source: the model trends of
-- the usage statistics page, rankings of models and services. No team column, so an hour holds
-- one row per service, model and source in use (at 10M events in 30 days, a 7-day hourly
-- trend by model read 1.1M rows of usage_team_1h). Filtered or grouped by team, the team
-- rollups answer instead.
CREATE TABLE IF NOT EXISTS usage_platform_1h
(
    hour                DateTime('UTC'),
    service             LowCardinality(String),
    model               LowCardinality(String),
    model_type          LowCardinality(String),
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
PARTITION BY toYYYYMM(hour)
ORDER BY (hour, model, service, model_type, source)
TTL hour + INTERVAL 400 DAY
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
