-- Platform totals by hour (kept 400 days): the summary cards and totals across all teams, two
-- rows an hour (business and internal calls). A 7-day summary merges 336 latency and user
-- states here instead of thousands of per-team ones.
CREATE TABLE IF NOT EXISTS usage_platform_totals_1h
(
    hour                DateTime('UTC'),
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
ORDER BY (hour, source)
TTL hour + INTERVAL 400 DAY
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
