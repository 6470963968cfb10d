-- The detail day rollup's whole history, summed over model and model type. Runs before the
-- view exists, with ingest stopped.
INSERT INTO usage_key_1d
SELECT
    day, team_id, user_id, api_key_id, service, source,
    sum(requests), sum(successes), sum(errors),
    sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens),
    sum(cost), sum(credits),
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency)
FROM usage_detail_1d
GROUP BY day, team_id, user_id, api_key_id, service, source
