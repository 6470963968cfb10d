CREATE MATERIALIZED VIEW IF NOT EXISTS usage_user_1d_mv TO usage_user_1d AS
SELECT
    toDate(hour, 'UTC') AS day,
    team_id, user_id,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency
FROM usage_key_1h
GROUP BY day, team_id, user_id
