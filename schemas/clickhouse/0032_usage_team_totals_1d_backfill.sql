-- The detail day rollup's whole history (it is kept forever), summed over everything but team
-- and source. Runs before the view exists, with ingest stopped.
INSERT INTO usage_team_totals_1d
SELECT
    day, team_id, source,
    sum(requests), sum(successes), sum(errors),
    sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens),
    sum(cost), sum(credits),
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency),
    uniqState(user_id)
FROM usage_detail_1d
GROUP BY day, team_id, source
