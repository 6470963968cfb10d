-- The team hour rollup's 400 days of history, summed over service and model. Runs before the
-- view that feeds the table exists, with ingest stopped (migrations run at start, before the
-- worker consumes), so nothing is counted twice or missed.
INSERT INTO usage_team_totals_1h
SELECT
    hour, team_id, source,
    sum(requests), sum(successes), sum(errors),
    sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens),
    sum(cost), sum(credits),
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency),
    uniqMergeState(users)
FROM usage_team_1h
GROUP BY hour, team_id, source
