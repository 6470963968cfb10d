-- Key hour rollup (kept 400 days): everything asked per user or API key (rankings, breakdowns,
-- personal usage, quotas) at hour grain. A key belongs to one user and is used for one service
-- and source, so a row here is one active key in one hour; the model is left out, because
-- keys times models per hour would make this grain as large as raw. Questions by user or key
-- and model together go to the day rollup, or to raw.
-- user_id is a key column, so active users are exact here (uniqExact over the rows).
-- Sorted by day first, as usage_team_1h.
CREATE TABLE IF NOT EXISTS usage_key_1h
(
    hour                DateTime('UTC'),
    team_id             UUID,
    user_id             UUID,
    api_key_id          UUID,
    service             LowCardinality(String),
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
    latency             AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (toDate(hour), team_id, hour, user_id, api_key_id, service, source)
TTL hour + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
