-- The team minute rollup's 14 days summed over teams. Runs before the view exists, with ingest
-- stopped.
INSERT INTO usage_platform_totals_1m
SELECT
    minute, source,
    sum(requests), sum(successes), sum(errors),
    sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens),
    sum(cost), sum(credits),
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency),
    uniqMergeState(users)
FROM usage_team_1m
GROUP BY minute, source
