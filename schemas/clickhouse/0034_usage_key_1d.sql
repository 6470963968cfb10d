-- Key day rollup (UTC days, kept forever): the whole days of everything asked per user or API
-- key over long ranges (30-day rankings of keys and users, breakdowns, personal usage). A row
-- is one active key on one day, so it is bounded by keys x days (at 10M events in 30 days:
-- 279k rows, against 3.5M in usage_key_1h and 2.0M in usage_detail_1d, which also keys the
-- model). user_id is a key column, so active users are exact here.
CREATE TABLE IF NOT EXISTS usage_key_1d
(
    day                 Date,
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
PARTITION BY toYear(day)
ORDER BY (day, team_id, user_id, api_key_id, service, source)
SETTINGS non_replicated_deduplication_window = 10000
