-- The team hour rollup's history summed over teams. Runs before the view exists, with ingest
-- stopped.
INSERT INTO usage_platform_1h
SELECT
    hour, service, model, model_type, source,
    sum(requests), sum(successes), sum(errors),
    sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens),
    sum(cost), sum(credits),
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency),
    uniqMergeState(users)
FROM usage_team_1h
GROUP BY hour, service, model, model_type, source
