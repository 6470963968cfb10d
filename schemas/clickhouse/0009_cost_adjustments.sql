-- Adds cost_adjustments (repricing deltas, one row per repriced event and run) and a view of it
-- into every rollup fed by raw that keeps the money sums; coarser rollups get the deltas through
-- their own views. Empty until a repricing. Generated: npm run schema:generate -- add-adjustments

-- Repricing deltas, one row per repriced event and run (same columns as the raw event, money
-- columns holding new − old). Views sum them into the rollups fed by raw; raw reads add them by
-- event_id. Kept as long as raw: a repricing reaches only events raw still holds.
CREATE TABLE IF NOT EXISTS cost_adjustments
(
    reprice_id String,
    event_id String,
    occurred_at DateTime64(3, 'UTC'),
    team_id UUID,
    user_id UUID,
    api_key_id UUID,
    service LowCardinality(String),
    model LowCardinality(String),
    model_type LowCardinality(String),
    source LowCardinality(String),
    status LowCardinality(String),
    http_status Nullable(UInt16),
    error_code Nullable(String),
    tags Array(String),
    request_id Nullable(String),
    cost Decimal(38, 15),
    credits Decimal(38, 15),
    input_cost Decimal(38, 15),
    output_cost Decimal(38, 15),
    cache_read_cost Decimal(38, 15),
    cache_write_cost Decimal(38, 15),
    price_id String,
    adjusted_at DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_event_id event_id TYPE bloom_filter(0.001) GRANULARITY 4
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (toStartOfHour(occurred_at), team_id, event_id)
TTL toDateTime(occurred_at) + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_team_1m_adjustments_mv TO usage_team_1m AS
SELECT
    toStartOfMinute(occurred_at) AS minute,
    team_id,
    service,
    model,
    model_type,
    source,
    toUInt64(0) AS requests,
    toUInt64(0) AS successes,
    toUInt64(0) AS errors,
    toUInt64(0) AS input_tokens,
    toUInt64(0) AS output_tokens,
    toUInt64(0) AS reasoning_tokens,
    toUInt64(0) AS cache_read_tokens,
    toUInt64(0) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    toUInt64(0) AS unpriced_requests,
    toUInt64(0) AS unpriced_tokens,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(toUInt32(0), false) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(toUInt32(0), false) AS ttft,
    uniqStateIf(user_id, false) AS users
FROM cost_adjustments
GROUP BY minute, team_id, service, model, model_type, source;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_team_totals_1h_adjustments_mv TO usage_team_totals_1h AS
SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    source,
    toUInt64(0) AS requests,
    toUInt64(0) AS successes,
    toUInt64(0) AS errors,
    toUInt64(0) AS input_tokens,
    toUInt64(0) AS output_tokens,
    toUInt64(0) AS reasoning_tokens,
    toUInt64(0) AS cache_read_tokens,
    toUInt64(0) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    toUInt64(0) AS unpriced_requests,
    toUInt64(0) AS unpriced_tokens,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(toUInt32(0), false) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(toUInt32(0), false) AS ttft,
    uniqStateIf(user_id, false) AS users
FROM cost_adjustments
GROUP BY hour, team_id, source;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_team_1h_adjustments_mv TO usage_team_1h AS
SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    service,
    model,
    model_type,
    source,
    toUInt64(0) AS requests,
    toUInt64(0) AS successes,
    toUInt64(0) AS errors,
    toUInt64(0) AS input_tokens,
    toUInt64(0) AS output_tokens,
    toUInt64(0) AS reasoning_tokens,
    toUInt64(0) AS cache_read_tokens,
    toUInt64(0) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    toUInt64(0) AS unpriced_requests,
    toUInt64(0) AS unpriced_tokens,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(toUInt32(0), false) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(toUInt32(0), false) AS ttft,
    uniqStateIf(user_id, false) AS users
FROM cost_adjustments
GROUP BY hour, team_id, service, model, model_type, source;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_key_1h_adjustments_mv TO usage_key_1h AS
SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    user_id,
    api_key_id,
    service,
    source,
    toUInt64(0) AS requests,
    toUInt64(0) AS successes,
    toUInt64(0) AS errors,
    toUInt64(0) AS input_tokens,
    toUInt64(0) AS output_tokens,
    toUInt64(0) AS reasoning_tokens,
    toUInt64(0) AS cache_read_tokens,
    toUInt64(0) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    toUInt64(0) AS unpriced_requests,
    toUInt64(0) AS unpriced_tokens,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(toUInt32(0), false) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(toUInt32(0), false) AS ttft
FROM cost_adjustments
GROUP BY hour, team_id, user_id, api_key_id, service, source;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_detail_1d_adjustments_mv TO usage_detail_1d AS
SELECT
    toDate(occurred_at, 'UTC') AS day,
    team_id,
    user_id,
    api_key_id,
    service,
    model,
    model_type,
    source,
    toUInt64(0) AS requests,
    toUInt64(0) AS successes,
    toUInt64(0) AS errors,
    toUInt64(0) AS input_tokens,
    toUInt64(0) AS output_tokens,
    toUInt64(0) AS reasoning_tokens,
    toUInt64(0) AS cache_read_tokens,
    toUInt64(0) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    toUInt64(0) AS unpriced_requests,
    toUInt64(0) AS unpriced_tokens,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(toUInt32(0), false) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(toUInt32(0), false) AS ttft
FROM cost_adjustments
GROUP BY day, team_id, user_id, api_key_id, service, model, model_type, source;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_errors_1h_adjustments_mv TO usage_errors_1h AS
SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    model,
    model_type,
    source,
    coalesce(http_status, 0) AS http_status,
    toLowCardinality(coalesce(error_code, '')) AS error_code,
    toUInt64(0) AS requests,
    toUInt64(0) AS successes,
    toUInt64(0) AS errors,
    toUInt64(0) AS input_tokens,
    toUInt64(0) AS output_tokens,
    toUInt64(0) AS reasoning_tokens,
    toUInt64(0) AS cache_read_tokens,
    toUInt64(0) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    toUInt64(0) AS unpriced_requests,
    toUInt64(0) AS unpriced_tokens,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(toUInt32(0), false) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(toUInt32(0), false) AS ttft,
    uniqStateIf(user_id, false) AS users
FROM cost_adjustments
GROUP BY hour, team_id, model, model_type, source, http_status, error_code;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_tags_1h_adjustments_mv TO usage_tags_1h AS
SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    service,
    model,
    model_type,
    source,
    arraySort(tags) AS tags,
    toUInt64(0) AS requests,
    toUInt64(0) AS successes,
    toUInt64(0) AS errors,
    toUInt64(0) AS input_tokens,
    toUInt64(0) AS output_tokens,
    toUInt64(0) AS reasoning_tokens,
    toUInt64(0) AS cache_read_tokens,
    toUInt64(0) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    toUInt64(0) AS unpriced_requests,
    toUInt64(0) AS unpriced_tokens,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(toUInt32(0), false) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(toUInt32(0), false) AS ttft,
    uniqStateIf(user_id, false) AS users
FROM cost_adjustments
WHERE notEmpty(tags)
GROUP BY hour, team_id, service, model, model_type, source, tags;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_tags_1d_adjustments_mv TO usage_tags_1d AS
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
    toUInt64(0) AS requests,
    toUInt64(0) AS successes,
    toUInt64(0) AS errors,
    toUInt64(0) AS input_tokens,
    toUInt64(0) AS output_tokens,
    toUInt64(0) AS reasoning_tokens,
    toUInt64(0) AS cache_read_tokens,
    toUInt64(0) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    toUInt64(0) AS unpriced_requests,
    toUInt64(0) AS unpriced_tokens,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(toUInt32(0), false) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(toUInt32(0), false) AS ttft
FROM cost_adjustments
WHERE notEmpty(tags)
GROUP BY day, team_id, user_id, api_key_id, service, model, model_type, source, tags;

DROP VIEW IF EXISTS calls;

-- `calls`: the raw call events under stable names for ad hoc SQL (POST /v1/sql, `sql` query).
-- Internal columns (Kafka position, price id, ingest time) stay out, so the raw table can change
-- without breaking saved queries. Team scope is applied to this view by name
-- (additional_table_filters), so every column a team may not see must stay out of it. Amounts
-- include repricing (cost_adjustments by event).
CREATE VIEW IF NOT EXISTS calls AS
SELECT
    event_id,
    occurred_at,
    team_id,
    user_id,
    api_key_id,
    service,
    model,
    model_type,
    source,
    input_tokens,
    output_tokens,
    cache_read_tokens,
    cache_write_tokens,
    toUInt64(input_tokens) + output_tokens AS total_tokens,
    latency_ms,
    ttft_ms,
    status,
    http_status,
    error_code,
    tags,
    request_id,
    call_events.cost + repriced.cost_delta AS cost,
    call_events.credits + repriced.credits_delta AS credits,
    priced,
    call_events.input_cost + repriced.input_cost_delta AS input_cost,
    call_events.output_cost + repriced.output_cost_delta AS output_cost,
    call_events.cache_read_cost + repriced.cache_read_cost_delta AS cache_read_cost,
    call_events.cache_write_cost + repriced.cache_write_cost_delta AS cache_write_cost
FROM call_events LEFT JOIN (
    SELECT
        event_id,
        sum(cost) AS cost_delta,
        sum(credits) AS credits_delta,
        sum(input_cost) AS input_cost_delta,
        sum(output_cost) AS output_cost_delta,
        sum(cache_read_cost) AS cache_read_cost_delta,
        sum(cache_write_cost) AS cache_write_cost_delta
    FROM cost_adjustments
    GROUP BY event_id
) AS repriced USING (event_id);
