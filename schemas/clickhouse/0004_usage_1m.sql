-- Minute rollup (kept 14 days): last-hour and today views, 1m/5m trends, tokens per minute.
-- Keyed only by what those views filter or split on at minute grain; user and key
-- questions go to the hour rollup, which is far smaller per minute of history.
CREATE TABLE IF NOT EXISTS usage_1m
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
ORDER BY (team_id, minute, model, service, model_type, source)
TTL minute + INTERVAL 14 DAY
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
