-- The team totals day rollup's whole history summed over teams. Runs before the view exists,
-- with ingest stopped.
INSERT INTO usage_platform_totals_1d
SELECT
    day, source,
    sum(requests), sum(successes), sum(errors),
    sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens),
    sum(cost), sum(credits),
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency),
    uniqMergeState(users)
FROM usage_team_totals_1d
GROUP BY day, source
