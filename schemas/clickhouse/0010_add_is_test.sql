-- Adds the column is_test to the raw events (rows written before hold its default) and creates
-- again the views of the raw events into rollups and the SQL relations that show it. Generated: npm
-- run schema:generate -- add-raw-column is_test

ALTER TABLE call_events
    ADD COLUMN IF NOT EXISTS is_test Bool AFTER origin;

DROP VIEW IF EXISTS usage_team_1m_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_team_1m_mv TO usage_team_1m AS
SELECT
    toStartOfMinute(occurred_at) AS minute,
    team_id,
    service,
    model,
    model_type,
    source,
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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    countIf(NOT priced) AS unpriced_requests,
    sumIf(toUInt64(call_events.input_tokens) + call_events.output_tokens, NOT priced) AS unpriced_tokens,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft,
    uniqState(user_id) AS users
FROM call_events
WHERE NOT is_test
GROUP BY minute, team_id, service, model, model_type, source;

DROP VIEW IF EXISTS usage_team_totals_1h_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_team_totals_1h_mv TO usage_team_totals_1h AS
SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    source,
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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    countIf(NOT priced) AS unpriced_requests,
    sumIf(toUInt64(call_events.input_tokens) + call_events.output_tokens, NOT priced) AS unpriced_tokens,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft,
    uniqState(user_id) AS users
FROM call_events
WHERE NOT is_test
GROUP BY hour, team_id, source;

DROP VIEW IF EXISTS usage_team_1h_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_team_1h_mv TO usage_team_1h AS
SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    service,
    model,
    model_type,
    source,
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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    countIf(NOT priced) AS unpriced_requests,
    sumIf(toUInt64(call_events.input_tokens) + call_events.output_tokens, NOT priced) AS unpriced_tokens,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft,
    uniqState(user_id) AS users
FROM call_events
WHERE NOT is_test
GROUP BY hour, team_id, service, model, model_type, source;

DROP VIEW IF EXISTS usage_key_1h_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_key_1h_mv TO usage_key_1h AS
SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    user_id,
    api_key_id,
    service,
    source,
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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    countIf(NOT priced) AS unpriced_requests,
    sumIf(toUInt64(call_events.input_tokens) + call_events.output_tokens, NOT priced) AS unpriced_tokens,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft
FROM call_events
WHERE NOT is_test
GROUP BY hour, team_id, user_id, api_key_id, service, source;

DROP VIEW IF EXISTS usage_detail_1d_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_detail_1d_mv TO usage_detail_1d AS
SELECT
    toDate(occurred_at, 'UTC') AS day,
    team_id,
    user_id,
    api_key_id,
    service,
    model,
    model_type,
    source,
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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    countIf(NOT priced) AS unpriced_requests,
    sumIf(toUInt64(call_events.input_tokens) + call_events.output_tokens, NOT priced) AS unpriced_tokens,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft
FROM call_events
WHERE NOT is_test
GROUP BY day, team_id, user_id, api_key_id, service, model, model_type, source;

DROP VIEW IF EXISTS usage_user_models_1h_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_user_models_1h_mv TO usage_user_models_1h AS
SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    user_id,
    model,
    count() AS requests
FROM call_events
WHERE NOT is_test
GROUP BY hour, team_id, user_id, model;

DROP VIEW IF EXISTS usage_errors_1h_mv;

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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    countIf(NOT priced) AS unpriced_requests,
    sumIf(toUInt64(call_events.input_tokens) + call_events.output_tokens, NOT priced) AS unpriced_tokens,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft,
    uniqState(user_id) AS users
FROM call_events
WHERE NOT is_test
GROUP BY hour, team_id, model, model_type, source, http_status, error_code;

DROP VIEW IF EXISTS usage_tags_1h_mv;

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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    countIf(NOT priced) AS unpriced_requests,
    sumIf(toUInt64(call_events.input_tokens) + call_events.output_tokens, NOT priced) AS unpriced_tokens,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft,
    uniqState(user_id) AS users
FROM call_events
WHERE NOT is_test AND notEmpty(tags)
GROUP BY hour, team_id, service, model, model_type, source, tags;

DROP VIEW IF EXISTS usage_tags_1d_mv;

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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    countIf(NOT priced) AS unpriced_requests,
    sumIf(toUInt64(call_events.input_tokens) + call_events.output_tokens, NOT priced) AS unpriced_tokens,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft
FROM call_events
WHERE NOT is_test AND notEmpty(tags)
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
    call_events.cache_write_cost + repriced.cache_write_cost_delta AS cache_write_cost,
    is_test
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
