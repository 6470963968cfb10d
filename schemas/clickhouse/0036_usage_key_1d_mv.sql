CREATE MATERIALIZED VIEW IF NOT EXISTS usage_key_1d_mv TO usage_key_1d AS
SELECT
    toDate(occurred_at, 'UTC') AS day,
    team_id, user_id, api_key_id, service, source,
    count() AS requests,
    countIf(status = 'success') AS successes,
    countIf(status = 'error') AS errors,
    sum(toUInt64(input_tokens)) AS input_tokens,
    sum(toUInt64(output_tokens)) AS output_tokens,
    sum(toUInt64(cache_read_tokens)) AS cache_read_tokens,
    sum(toUInt64(cache_write_tokens)) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency
FROM call_events
GROUP BY day, team_id, user_id, api_key_id, service, source
