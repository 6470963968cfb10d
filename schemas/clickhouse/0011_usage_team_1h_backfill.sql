-- Carries the history of the former hour rollup (every dimension, 400 days) into the team hour
-- rollup. Runs before the view that feeds it exists, with ingest stopped (migrations run at
-- start, before the worker consumes), so nothing is counted twice or missed.
INSERT INTO usage_team_1h
SELECT
    hour, team_id, service, model, model_type, source,
    sum(requests), sum(successes), sum(errors),
    sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens),
    sum(cost), sum(credits),
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency),
    uniqState(user_id)
FROM usage_1h
GROUP BY hour, team_id, service, model, model_type, source
