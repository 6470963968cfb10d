-- Fed by the team minute rollup's inserts, not by raw.
CREATE MATERIALIZED VIEW IF NOT EXISTS usage_platform_totals_1m_mv TO usage_platform_totals_1m AS
SELECT
    minute, source,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    uniqMergeState(users) AS users
FROM usage_team_1m
GROUP BY minute, source
