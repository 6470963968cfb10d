-- Adds the rollups usage_errors_1h, usage_errors_1d and their views (empty until events arrive:
-- ranges before this migration read nothing from them). Generated: npm run schema:generate --
-- add-rollups error_rollups usage_errors_1h usage_errors_1d

-- Calls by team, model, HTTP status and error code per hour (400 days): error analytics (by status
-- or code, error rates, latency and time to first token) beyond raw retention. No status is 0, no
-- error code is "". Source and model type cost no rows (a model has one type) and let summaries
-- read it.
CREATE TABLE IF NOT EXISTS usage_errors_1h
(
    hour DateTime('UTC'),
    team_id UUID,
    model LowCardinality(String),
    model_type LowCardinality(String),
    source LowCardinality(String),
    http_status UInt16,
    error_code LowCardinality(String),
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
ORDER BY (toDate(hour), team_id, hour, http_status, error_code, model, model_type, source)
TTL hour + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_errors_1h_mv TO usage_errors_1h AS
SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    model,
    model_type,
    source,
    coalesce(http_status, 0) AS http_status,
    toLowCardinality(coalesce(error_code, '')) AS error_code,
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
GROUP BY hour, team_id, model, model_type, source, http_status, error_code;

-- Calls by team, model, HTTP status and error code per UTC day (forever): error analytics over long
-- ranges.
CREATE TABLE IF NOT EXISTS usage_errors_1d
(
    day Date CODEC(NONE),
    team_id UUID CODEC(NONE),
    model LowCardinality(String) CODEC(NONE),
    model_type LowCardinality(String) CODEC(NONE),
    source LowCardinality(String) CODEC(NONE),
    http_status UInt16 CODEC(NONE),
    error_code LowCardinality(String) CODEC(NONE),
    requests SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    successes SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    errors SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    input_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    output_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    reasoning_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cache_read_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cache_write_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    credits SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    ttft AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    users AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, team_id, http_status, error_code, model, model_type, source)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_errors_1d_mv TO usage_errors_1d AS
SELECT
    toDate(hour, 'UTC') AS day,
    team_id,
    model,
    model_type,
    source,
    http_status,
    error_code,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(reasoning_tokens) AS reasoning_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft) AS ttft,
    uniqMergeState(users) AS users
FROM usage_errors_1h
GROUP BY day, team_id, model, model_type, source, http_status, error_code;
