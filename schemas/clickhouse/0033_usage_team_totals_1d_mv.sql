-- Fed by the team totals hour rollup's inserts, not by raw: the view sees the few hundred
-- (hour, team, source) rows of each insert instead of every event, and merges their states.
CREATE MATERIALIZED VIEW IF NOT EXISTS usage_team_totals_1d_mv TO usage_team_totals_1d AS
SELECT
    toDate(hour, 'UTC') AS day,
    team_id, source,
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
FROM usage_team_totals_1h
GROUP BY day, team_id, source
