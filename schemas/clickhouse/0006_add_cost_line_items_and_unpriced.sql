-- Adds the measures input_cost, output_cost, cache_read_cost, cache_write_cost, unpriced_requests,
-- unpriced_tokens to the raw events, the rollups that keep them and their views (rows written
-- before hold 0 or an empty state). Generated: npm run schema:generate -- add-measures
-- add_cost_line_items_and_unpriced input_cost output_cost cache_read_cost cache_write_cost
-- unpriced_requests unpriced_tokens

ALTER TABLE call_events
    ADD COLUMN IF NOT EXISTS input_cost Decimal(38, 15) AFTER ingested_at;

ALTER TABLE call_events
    ADD COLUMN IF NOT EXISTS output_cost Decimal(38, 15) AFTER input_cost;

ALTER TABLE call_events
    ADD COLUMN IF NOT EXISTS cache_read_cost Decimal(38, 15) AFTER output_cost;

ALTER TABLE call_events
    ADD COLUMN IF NOT EXISTS cache_write_cost Decimal(38, 15) AFTER cache_read_cost;

ALTER TABLE usage_team_1m
    ADD COLUMN IF NOT EXISTS input_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER credits;

ALTER TABLE usage_team_1m
    ADD COLUMN IF NOT EXISTS output_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER input_cost;

ALTER TABLE usage_team_1m
    ADD COLUMN IF NOT EXISTS cache_read_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER output_cost;

ALTER TABLE usage_team_1m
    ADD COLUMN IF NOT EXISTS cache_write_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER cache_read_cost;

ALTER TABLE usage_team_1m
    ADD COLUMN IF NOT EXISTS unpriced_requests SimpleAggregateFunction(sum, UInt64) AFTER cache_write_cost;

ALTER TABLE usage_team_1m
    ADD COLUMN IF NOT EXISTS unpriced_tokens SimpleAggregateFunction(sum, UInt64) AFTER unpriced_requests;

ALTER TABLE usage_team_totals_1h
    ADD COLUMN IF NOT EXISTS input_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER credits;

ALTER TABLE usage_team_totals_1h
    ADD COLUMN IF NOT EXISTS output_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER input_cost;

ALTER TABLE usage_team_totals_1h
    ADD COLUMN IF NOT EXISTS cache_read_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER output_cost;

ALTER TABLE usage_team_totals_1h
    ADD COLUMN IF NOT EXISTS cache_write_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER cache_read_cost;

ALTER TABLE usage_team_totals_1h
    ADD COLUMN IF NOT EXISTS unpriced_requests SimpleAggregateFunction(sum, UInt64) CODEC(NONE) AFTER cache_write_cost;

ALTER TABLE usage_team_totals_1h
    ADD COLUMN IF NOT EXISTS unpriced_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE) AFTER unpriced_requests;

ALTER TABLE usage_team_1h
    ADD COLUMN IF NOT EXISTS input_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER credits;

ALTER TABLE usage_team_1h
    ADD COLUMN IF NOT EXISTS output_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER input_cost;

ALTER TABLE usage_team_1h
    ADD COLUMN IF NOT EXISTS cache_read_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER output_cost;

ALTER TABLE usage_team_1h
    ADD COLUMN IF NOT EXISTS cache_write_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER cache_read_cost;

ALTER TABLE usage_team_1h
    ADD COLUMN IF NOT EXISTS unpriced_requests SimpleAggregateFunction(sum, UInt64) AFTER cache_write_cost;

ALTER TABLE usage_team_1h
    ADD COLUMN IF NOT EXISTS unpriced_tokens SimpleAggregateFunction(sum, UInt64) AFTER unpriced_requests;

ALTER TABLE usage_key_1h
    ADD COLUMN IF NOT EXISTS input_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER credits;

ALTER TABLE usage_key_1h
    ADD COLUMN IF NOT EXISTS output_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER input_cost;

ALTER TABLE usage_key_1h
    ADD COLUMN IF NOT EXISTS cache_read_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER output_cost;

ALTER TABLE usage_key_1h
    ADD COLUMN IF NOT EXISTS cache_write_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER cache_read_cost;

ALTER TABLE usage_key_1h
    ADD COLUMN IF NOT EXISTS unpriced_requests SimpleAggregateFunction(sum, UInt64) AFTER cache_write_cost;

ALTER TABLE usage_key_1h
    ADD COLUMN IF NOT EXISTS unpriced_tokens SimpleAggregateFunction(sum, UInt64) AFTER unpriced_requests;

ALTER TABLE usage_detail_1d
    ADD COLUMN IF NOT EXISTS input_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER credits;

ALTER TABLE usage_detail_1d
    ADD COLUMN IF NOT EXISTS output_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER input_cost;

ALTER TABLE usage_detail_1d
    ADD COLUMN IF NOT EXISTS cache_read_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER output_cost;

ALTER TABLE usage_detail_1d
    ADD COLUMN IF NOT EXISTS cache_write_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER cache_read_cost;

ALTER TABLE usage_detail_1d
    ADD COLUMN IF NOT EXISTS unpriced_requests SimpleAggregateFunction(sum, UInt64) AFTER cache_write_cost;

ALTER TABLE usage_detail_1d
    ADD COLUMN IF NOT EXISTS unpriced_tokens SimpleAggregateFunction(sum, UInt64) AFTER unpriced_requests;

ALTER TABLE usage_team_totals_1d
    ADD COLUMN IF NOT EXISTS input_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER credits;

ALTER TABLE usage_team_totals_1d
    ADD COLUMN IF NOT EXISTS output_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER input_cost;

ALTER TABLE usage_team_totals_1d
    ADD COLUMN IF NOT EXISTS cache_read_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER output_cost;

ALTER TABLE usage_team_totals_1d
    ADD COLUMN IF NOT EXISTS cache_write_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER cache_read_cost;

ALTER TABLE usage_team_totals_1d
    ADD COLUMN IF NOT EXISTS unpriced_requests SimpleAggregateFunction(sum, UInt64) CODEC(NONE) AFTER cache_write_cost;

ALTER TABLE usage_team_totals_1d
    ADD COLUMN IF NOT EXISTS unpriced_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE) AFTER unpriced_requests;

ALTER TABLE usage_key_1d
    ADD COLUMN IF NOT EXISTS input_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER credits;

ALTER TABLE usage_key_1d
    ADD COLUMN IF NOT EXISTS output_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER input_cost;

ALTER TABLE usage_key_1d
    ADD COLUMN IF NOT EXISTS cache_read_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER output_cost;

ALTER TABLE usage_key_1d
    ADD COLUMN IF NOT EXISTS cache_write_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER cache_read_cost;

ALTER TABLE usage_key_1d
    ADD COLUMN IF NOT EXISTS unpriced_requests SimpleAggregateFunction(sum, UInt64) CODEC(NONE) AFTER cache_write_cost;

ALTER TABLE usage_key_1d
    ADD COLUMN IF NOT EXISTS unpriced_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE) AFTER unpriced_requests;

ALTER TABLE usage_platform_1h
    ADD COLUMN IF NOT EXISTS input_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER credits;

ALTER TABLE usage_platform_1h
    ADD COLUMN IF NOT EXISTS output_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER input_cost;

ALTER TABLE usage_platform_1h
    ADD COLUMN IF NOT EXISTS cache_read_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER output_cost;

ALTER TABLE usage_platform_1h
    ADD COLUMN IF NOT EXISTS cache_write_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER cache_read_cost;

ALTER TABLE usage_platform_1h
    ADD COLUMN IF NOT EXISTS unpriced_requests SimpleAggregateFunction(sum, UInt64) CODEC(NONE) AFTER cache_write_cost;

ALTER TABLE usage_platform_1h
    ADD COLUMN IF NOT EXISTS unpriced_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE) AFTER unpriced_requests;

ALTER TABLE usage_platform_totals_1h
    ADD COLUMN IF NOT EXISTS input_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER credits;

ALTER TABLE usage_platform_totals_1h
    ADD COLUMN IF NOT EXISTS output_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER input_cost;

ALTER TABLE usage_platform_totals_1h
    ADD COLUMN IF NOT EXISTS cache_read_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER output_cost;

ALTER TABLE usage_platform_totals_1h
    ADD COLUMN IF NOT EXISTS cache_write_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER cache_read_cost;

ALTER TABLE usage_platform_totals_1h
    ADD COLUMN IF NOT EXISTS unpriced_requests SimpleAggregateFunction(sum, UInt64) CODEC(NONE) AFTER cache_write_cost;

ALTER TABLE usage_platform_totals_1h
    ADD COLUMN IF NOT EXISTS unpriced_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE) AFTER unpriced_requests;

ALTER TABLE usage_platform_totals_1m
    ADD COLUMN IF NOT EXISTS input_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER credits;

ALTER TABLE usage_platform_totals_1m
    ADD COLUMN IF NOT EXISTS output_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER input_cost;

ALTER TABLE usage_platform_totals_1m
    ADD COLUMN IF NOT EXISTS cache_read_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER output_cost;

ALTER TABLE usage_platform_totals_1m
    ADD COLUMN IF NOT EXISTS cache_write_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER cache_read_cost;

ALTER TABLE usage_platform_totals_1m
    ADD COLUMN IF NOT EXISTS unpriced_requests SimpleAggregateFunction(sum, UInt64) AFTER cache_write_cost;

ALTER TABLE usage_platform_totals_1m
    ADD COLUMN IF NOT EXISTS unpriced_tokens SimpleAggregateFunction(sum, UInt64) AFTER unpriced_requests;

ALTER TABLE usage_platform_totals_1d
    ADD COLUMN IF NOT EXISTS input_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER credits;

ALTER TABLE usage_platform_totals_1d
    ADD COLUMN IF NOT EXISTS output_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER input_cost;

ALTER TABLE usage_platform_totals_1d
    ADD COLUMN IF NOT EXISTS cache_read_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER output_cost;

ALTER TABLE usage_platform_totals_1d
    ADD COLUMN IF NOT EXISTS cache_write_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER cache_read_cost;

ALTER TABLE usage_platform_totals_1d
    ADD COLUMN IF NOT EXISTS unpriced_requests SimpleAggregateFunction(sum, UInt64) CODEC(NONE) AFTER cache_write_cost;

ALTER TABLE usage_platform_totals_1d
    ADD COLUMN IF NOT EXISTS unpriced_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE) AFTER unpriced_requests;

ALTER TABLE usage_user_1d
    ADD COLUMN IF NOT EXISTS input_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER credits;

ALTER TABLE usage_user_1d
    ADD COLUMN IF NOT EXISTS output_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER input_cost;

ALTER TABLE usage_user_1d
    ADD COLUMN IF NOT EXISTS cache_read_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER output_cost;

ALTER TABLE usage_user_1d
    ADD COLUMN IF NOT EXISTS cache_write_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER cache_read_cost;

ALTER TABLE usage_user_1d
    ADD COLUMN IF NOT EXISTS unpriced_requests SimpleAggregateFunction(sum, UInt64) CODEC(NONE) AFTER cache_write_cost;

ALTER TABLE usage_user_1d
    ADD COLUMN IF NOT EXISTS unpriced_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE) AFTER unpriced_requests;

ALTER TABLE usage_errors_1h
    ADD COLUMN IF NOT EXISTS input_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER credits;

ALTER TABLE usage_errors_1h
    ADD COLUMN IF NOT EXISTS output_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER input_cost;

ALTER TABLE usage_errors_1h
    ADD COLUMN IF NOT EXISTS cache_read_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER output_cost;

ALTER TABLE usage_errors_1h
    ADD COLUMN IF NOT EXISTS cache_write_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER cache_read_cost;

ALTER TABLE usage_errors_1h
    ADD COLUMN IF NOT EXISTS unpriced_requests SimpleAggregateFunction(sum, UInt64) AFTER cache_write_cost;

ALTER TABLE usage_errors_1h
    ADD COLUMN IF NOT EXISTS unpriced_tokens SimpleAggregateFunction(sum, UInt64) AFTER unpriced_requests;

ALTER TABLE usage_errors_1d
    ADD COLUMN IF NOT EXISTS input_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER credits;

ALTER TABLE usage_errors_1d
    ADD COLUMN IF NOT EXISTS output_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER input_cost;

ALTER TABLE usage_errors_1d
    ADD COLUMN IF NOT EXISTS cache_read_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER output_cost;

ALTER TABLE usage_errors_1d
    ADD COLUMN IF NOT EXISTS cache_write_cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE) AFTER cache_read_cost;

ALTER TABLE usage_errors_1d
    ADD COLUMN IF NOT EXISTS unpriced_requests SimpleAggregateFunction(sum, UInt64) CODEC(NONE) AFTER cache_write_cost;

ALTER TABLE usage_errors_1d
    ADD COLUMN IF NOT EXISTS unpriced_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE) AFTER unpriced_requests;

ALTER TABLE usage_tags_1h
    ADD COLUMN IF NOT EXISTS input_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER credits;

ALTER TABLE usage_tags_1h
    ADD COLUMN IF NOT EXISTS output_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER input_cost;

ALTER TABLE usage_tags_1h
    ADD COLUMN IF NOT EXISTS cache_read_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER output_cost;

ALTER TABLE usage_tags_1h
    ADD COLUMN IF NOT EXISTS cache_write_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER cache_read_cost;

ALTER TABLE usage_tags_1h
    ADD COLUMN IF NOT EXISTS unpriced_requests SimpleAggregateFunction(sum, UInt64) AFTER cache_write_cost;

ALTER TABLE usage_tags_1h
    ADD COLUMN IF NOT EXISTS unpriced_tokens SimpleAggregateFunction(sum, UInt64) AFTER unpriced_requests;

ALTER TABLE usage_tags_1d
    ADD COLUMN IF NOT EXISTS input_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER credits;

ALTER TABLE usage_tags_1d
    ADD COLUMN IF NOT EXISTS output_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER input_cost;

ALTER TABLE usage_tags_1d
    ADD COLUMN IF NOT EXISTS cache_read_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER output_cost;

ALTER TABLE usage_tags_1d
    ADD COLUMN IF NOT EXISTS cache_write_cost SimpleAggregateFunction(sum, Decimal(38, 15)) AFTER cache_read_cost;

ALTER TABLE usage_tags_1d
    ADD COLUMN IF NOT EXISTS unpriced_requests SimpleAggregateFunction(sum, UInt64) AFTER cache_write_cost;

ALTER TABLE usage_tags_1d
    ADD COLUMN IF NOT EXISTS unpriced_tokens SimpleAggregateFunction(sum, UInt64) AFTER unpriced_requests;

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
GROUP BY day, team_id, user_id, api_key_id, service, model, model_type, source;

DROP VIEW IF EXISTS usage_team_totals_1d_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_team_totals_1d_mv TO usage_team_totals_1d AS
SELECT
    toDate(hour, 'UTC') AS day,
    team_id,
    source,
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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft) AS ttft,
    uniqMergeState(users) AS users
FROM usage_team_totals_1h
GROUP BY day, team_id, source;

DROP VIEW IF EXISTS usage_key_1d_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_key_1d_mv TO usage_key_1d AS
SELECT
    toDate(hour, 'UTC') AS day,
    team_id,
    user_id,
    api_key_id,
    service,
    source,
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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft) AS ttft
FROM usage_key_1h
GROUP BY day, team_id, user_id, api_key_id, service, source;

DROP VIEW IF EXISTS usage_platform_1h_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_platform_1h_mv TO usage_platform_1h AS
SELECT
    hour,
    service,
    model,
    model_type,
    source,
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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft) AS ttft,
    uniqMergeState(users) AS users
FROM usage_team_1h
GROUP BY hour, service, model, model_type, source;

DROP VIEW IF EXISTS usage_platform_totals_1h_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_platform_totals_1h_mv TO usage_platform_totals_1h AS
SELECT
    hour,
    source,
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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft) AS ttft,
    uniqMergeState(users) AS users
FROM usage_team_totals_1h
GROUP BY hour, source;

DROP VIEW IF EXISTS usage_platform_totals_1m_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_platform_totals_1m_mv TO usage_platform_totals_1m AS
SELECT
    minute,
    source,
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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft) AS ttft,
    uniqMergeState(users) AS users
FROM usage_team_1m
GROUP BY minute, source;

DROP VIEW IF EXISTS usage_platform_totals_1d_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_platform_totals_1d_mv TO usage_platform_totals_1d AS
SELECT
    toDate(hour, 'UTC') AS day,
    source,
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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft) AS ttft,
    uniqMergeState(users) AS users
FROM usage_platform_totals_1h
GROUP BY day, source;

DROP VIEW IF EXISTS usage_user_1d_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_user_1d_mv TO usage_user_1d AS
SELECT
    toDate(hour, 'UTC') AS day,
    team_id,
    user_id,
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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft) AS ttft
FROM usage_key_1h
GROUP BY day, team_id, user_id;

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
GROUP BY hour, team_id, model, model_type, source, http_status, error_code;

DROP VIEW IF EXISTS usage_errors_1d_mv;

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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft) AS ttft,
    uniqMergeState(users) AS users
FROM usage_errors_1h
GROUP BY day, team_id, model, model_type, source, http_status, error_code;

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
WHERE notEmpty(tags)
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
WHERE notEmpty(tags)
GROUP BY day, team_id, user_id, api_key_id, service, model, model_type, source, tags;

DROP VIEW IF EXISTS calls;

-- `calls`: the raw call events under stable names for ad hoc SQL (POST /v1/sql, `sql` query).
-- Internal columns (Kafka position, price id, ingest time) stay out, so the raw table can change
-- without breaking saved queries. Team scope is applied to this view by name
-- (additional_table_filters), so every column a team may not see must stay out of it.
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
    cost,
    credits,
    priced,
    input_cost,
    output_cost,
    cache_read_cost,
    cache_write_cost
FROM call_events;

DROP VIEW IF EXISTS usage_minutely;

-- `usage_minutely`: finalised per-minute usage by team, service, model, model type and source for
-- ad hoc SQL, read from usage_team_1m (its partial aggregates merged here, so callers sum plain
-- numbers). Filter on `minute` first: the rollup is sorted by time before team.
CREATE VIEW IF NOT EXISTS usage_minutely AS
SELECT
    minute,
    team_id,
    service,
    model,
    model_type,
    source,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    input_tokens + output_tokens AS total_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMerge(0.5, 0.95, 0.99)(latency) AS latency_quantiles,
    latency_quantiles[1] AS latency_p50_ms,
    latency_quantiles[2] AS latency_p95_ms,
    latency_quantiles[3] AS latency_p99_ms
FROM usage_team_1m
GROUP BY minute, team_id, service, model, model_type, source;

DROP VIEW IF EXISTS usage_hourly;

-- `usage_hourly`: finalised per-hour usage by team, service, model, model type and source for ad
-- hoc SQL, read from usage_team_1h (its partial aggregates merged here, so callers sum plain
-- numbers). Filter on `hour` first: the rollup is sorted by time before team.
CREATE VIEW IF NOT EXISTS usage_hourly AS
SELECT
    hour,
    team_id,
    service,
    model,
    model_type,
    source,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    input_tokens + output_tokens AS total_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMerge(0.5, 0.95, 0.99)(latency) AS latency_quantiles,
    latency_quantiles[1] AS latency_p50_ms,
    latency_quantiles[2] AS latency_p95_ms,
    latency_quantiles[3] AS latency_p99_ms
FROM usage_team_1h
GROUP BY hour, team_id, service, model, model_type, source;

DROP VIEW IF EXISTS usage_daily;

-- `usage_daily`: finalised per-day usage by team, service, model, model type and source for ad hoc
-- SQL, read from usage_detail_1d (its partial aggregates merged here, so callers sum plain
-- numbers). Filter on `day` first: the rollup is sorted by time before team.
CREATE VIEW IF NOT EXISTS usage_daily AS
SELECT
    day,
    team_id,
    service,
    model,
    model_type,
    source,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    input_tokens + output_tokens AS total_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMerge(0.5, 0.95, 0.99)(latency) AS latency_quantiles,
    latency_quantiles[1] AS latency_p50_ms,
    latency_quantiles[2] AS latency_p95_ms,
    latency_quantiles[3] AS latency_p99_ms
FROM usage_detail_1d
GROUP BY day, team_id, service, model, model_type, source;
