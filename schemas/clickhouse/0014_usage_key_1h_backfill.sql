-- History of the former hour rollup into the key hour rollup (see 0011 on when this runs).
INSERT INTO usage_key_1h
SELECT
    hour, team_id, user_id, api_key_id, service, source,
    sum(requests), sum(successes), sum(errors),
    sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens),
    sum(cost), sum(credits),
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency)
FROM usage_1h
GROUP BY hour, team_id, user_id, api_key_id, service, source
