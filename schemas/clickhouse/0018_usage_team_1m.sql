-- Team minute rollup (kept 14 days), replacing usage_1m with the same keys sorted by hour
-- first: the last hour across all teams, or a preset's unaligned edge, read that hour only
-- instead of the whole day partition. Last-hour and today views, 1m/5m trends, tokens per
-- minute, days in zones with 30- or 45-minute offsets.
CREATE TABLE IF NOT EXISTS usage_team_1m
(
    minute              DateTime('UTC'),
    team_id             UUID,
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
PARTITION BY toYYYYMMDD(minute)
ORDER BY (toStartOfHour(minute), team_id, minute, model, service, model_type, source)
TTL minute + INTERVAL 14 DAY
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
