-- The key day rollup's whole history. Runs before the view exists, with ingest stopped.
INSERT INTO usage_user_1d
SELECT
    day, team_id, user_id,
    sum(requests), sum(successes), sum(errors),
    sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens),
    sum(cost), sum(credits),
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency)
FROM usage_key_1d
GROUP BY day, team_id, user_id
