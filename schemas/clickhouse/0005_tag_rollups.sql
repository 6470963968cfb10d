-- Adds the rollups usage_tags_1h, usage_tags_1d and their views (empty until events arrive: ranges
-- before this migration read nothing from them). Generated: npm run schema:generate -- add-rollups
-- tag_rollups usage_tags_1h usage_tags_1d

-- Tagged calls by team, model, service and source and the call's sorted tag set per hour (400
-- days): tag filters and usage by tag beyond raw retention. A tag filter matches a set once;
-- grouping by tag splits it.
CREATE TABLE IF NOT EXISTS usage_tags_1h
(
    hour DateTime('UTC'),
    team_id UUID,
    service LowCardinality(String),
    model LowCardinality(String),
    model_type LowCardinality(String),
    source LowCardinality(String),
    tags Array(String),
    requests SimpleAggregateFunction(sum, UInt64),
    successes SimpleAggregateFunction(sum, UInt64),
    errors SimpleAggregateFunction(sum, UInt64),
    input_tokens SimpleAggregateFunction(sum, UInt64),
    output_tokens SimpleAggregateFunction(sum, UInt64),
    reasoning_tokens SimpleAggregateFunction(sum, UInt64),
    cache_read_tokens SimpleAggregateFunction(sum, UInt64),
    cache_write_tokens SimpleAggregateFunction(sum, UInt64),
    cost SimpleAggregateFunction(sum, Decimal(38, 15)),
    credits SimpleAggregateFunction(sum, Decimal(38, 15)),
    latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    ttft AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    users AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (toDate(hour), team_id, hour, tags, model, service, model_type, source)
TTL hour + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_tags_1h_mv TO usage_tags_1h AS
SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    service,
    model,
    model_type,
    source,
    arraySort(tags) AS tags,
    count() AS requests,
    countIf(status = 'success') AS successes,
    countIf(status = 'error') AS errors,
    sum(toUInt64(input_tokens)) AS input_tokens,
    sum(toUInt64(output_tokens)) AS output_tokens,
    sum(toUInt64(reasoning_tokens)) AS reasoning_tokens,
    sum(toUInt64(cache_read_tokens)) AS cache_read_tokens,
    sum(toUInt64(cache_write_tokens)) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft,
    uniqState(user_id) AS users
FROM call_events
WHERE notEmpty(tags)
GROUP BY hour, team_id, service, model, model_type, source, tags;

-- Tagged calls by every dimension and the call's sorted tag set per UTC day (forever): tag filters
-- with users, keys or models over long ranges.
CREATE TABLE IF NOT EXISTS usage_tags_1d
(
    day Date,
    team_id UUID,
    user_id UUID,
    api_key_id UUID,
    service LowCardinality(String),
    model LowCardinality(String),
    model_type LowCardinality(String),
    source LowCardinality(String),
    tags Array(String),
    requests SimpleAggregateFunction(sum, UInt64),
    successes SimpleAggregateFunction(sum, UInt64),
    errors SimpleAggregateFunction(sum, UInt64),
    input_tokens SimpleAggregateFunction(sum, UInt64),
    output_tokens SimpleAggregateFunction(sum, UInt64),
    reasoning_tokens SimpleAggregateFunction(sum, UInt64),
    cache_read_tokens SimpleAggregateFunction(sum, UInt64),
    cache_write_tokens SimpleAggregateFunction(sum, UInt64),
    cost SimpleAggregateFunction(sum, Decimal(38, 15)),
    credits SimpleAggregateFunction(sum, Decimal(38, 15)),
    latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    ttft AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, team_id, tags, user_id, api_key_id, model, service, model_type, source)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_tags_1d_mv TO usage_tags_1d AS
SELECT
    toDate(occurred_at, 'UTC') AS day,
    team_id,
    user_id,
    api_key_id,
    service,
    model,
    model_type,
    source,
    arraySort(tags) AS tags,
    count() AS requests,
    countIf(status = 'success') AS successes,
    countIf(status = 'error') AS errors,
    sum(toUInt64(input_tokens)) AS input_tokens,
    sum(toUInt64(output_tokens)) AS output_tokens,
    sum(toUInt64(reasoning_tokens)) AS reasoning_tokens,
    sum(toUInt64(cache_read_tokens)) AS cache_read_tokens,
    sum(toUInt64(cache_write_tokens)) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft
FROM call_events
WHERE notEmpty(tags)
GROUP BY day, team_id, user_id, api_key_id, service, model, model_type, source, tags;
