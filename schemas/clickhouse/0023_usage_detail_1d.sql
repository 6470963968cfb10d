-- Detail day rollup (UTC days, kept forever), replacing usage_1d with the same keys sorted by
-- day first: every dimension but tags, so user or key together with model, and long UTC
-- ranges. A range across all teams reads its days only; a team's seeks within each day.
-- user_id is a key column, so active users are exact here (uniqExact over the rows).
CREATE TABLE IF NOT EXISTS usage_detail_1d
(
    day                 Date,
    team_id             UUID,
    user_id             UUID,
    api_key_id          UUID,
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
    latency             AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, team_id, user_id, api_key_id, model, service, model_type, source)
SETTINGS non_replicated_deduplication_window = 10000
