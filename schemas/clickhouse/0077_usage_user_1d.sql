-- Usage per user per UTC day (kept forever): a breakdown by user, rankings of users, a member's
-- own usage over whole days. They were read from the key day rollup, one row per key, service
-- and source; users hold 1.5 keys on average in the benchmark, so a 30-day read by user at 100M
-- events read 279,000 rows where 186,000 hold the same sums (16.9 -> 13.1 ms measured on a
-- copy). No key, service or source: questions that filter or group by them stay on the key
-- rollups. Fed by the key hour rollup's inserts, as usage_key_1d.
CREATE TABLE IF NOT EXISTS usage_user_1d
(
    day                 Date,
    team_id             UUID,
    user_id             UUID,
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
ORDER BY (day, team_id, user_id)
SETTINGS non_replicated_deduplication_window = 10000
