CREATE MATERIALIZED VIEW IF NOT EXISTS usage_team_totals_1h_mv TO usage_team_totals_1h AS
SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id, source,
    count() AS requests,
    countIf(status = 'success') AS successes,
    countIf(status = 'error') AS errors,
    sum(toUInt64(input_tokens)) AS input_tokens,
    sum(toUInt64(output_tokens)) AS output_tokens,
    sum(toUInt64(cache_read_tokens)) AS cache_read_tokens,
    sum(toUInt64(cache_write_tokens)) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    uniqState(user_id) AS users
FROM call_events
GROUP BY hour, team_id, source
