-- Adds the measure ttft to the raw events, the rollups that keep it and their views (rows written
-- before hold 0 or an empty state). Generated: npm run schema:generate -- add-measure ttft

ALTER TABLE usage_team_1m
    ADD COLUMN IF NOT EXISTS ttft AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32) AFTER latency;

ALTER TABLE usage_team_totals_1h
    ADD COLUMN IF NOT EXISTS ttft AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32) AFTER latency;

ALTER TABLE usage_team_1h
    ADD COLUMN IF NOT EXISTS ttft AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32) AFTER latency;

ALTER TABLE usage_key_1h
    ADD COLUMN IF NOT EXISTS ttft AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32) AFTER latency;

ALTER TABLE usage_detail_1d
    ADD COLUMN IF NOT EXISTS ttft AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32) AFTER latency;

ALTER TABLE usage_team_totals_1d
    ADD COLUMN IF NOT EXISTS ttft AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32) AFTER latency;

ALTER TABLE usage_key_1d
    ADD COLUMN IF NOT EXISTS ttft AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32) AFTER latency;

ALTER TABLE usage_platform_1h
    ADD COLUMN IF NOT EXISTS ttft AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32) AFTER latency;

ALTER TABLE usage_platform_totals_1h
    ADD COLUMN IF NOT EXISTS ttft AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32) AFTER latency;

ALTER TABLE usage_platform_totals_1m
    ADD COLUMN IF NOT EXISTS ttft AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32) AFTER latency;

ALTER TABLE usage_platform_totals_1d
    ADD COLUMN IF NOT EXISTS ttft AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32) AFTER latency;

ALTER TABLE usage_user_1d
    ADD COLUMN IF NOT EXISTS ttft AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32) AFTER latency;

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
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft) AS ttft
FROM usage_key_1h
GROUP BY day, team_id, user_id;
