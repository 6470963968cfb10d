-- Platform totals by UTC day (kept forever): the whole days of summaries across all teams, two
-- rows a day. With the hour and minute totals for the edges, a 7-day summary of every team
-- merges about 150 latency and user states, however many teams and events there are.
CREATE TABLE IF NOT EXISTS usage_platform_totals_1d
(
    day                 Date,
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
ORDER BY (day, source)
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 10000
