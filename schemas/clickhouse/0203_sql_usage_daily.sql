-- `usage_daily`: finalised per-day usage by team, service, model, model type and source for
-- ad hoc SQL, read from usage_detail_1d (its partial aggregates merged here, so callers sum plain numbers).
-- Filter on `day` first: the rollup is sorted by time before team.
CREATE VIEW IF NOT EXISTS usage_daily AS
SELECT
    day,
    team_id,
    service,
    model,
    model_type,
    source,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    input_tokens + output_tokens AS total_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestMerge(0.5, 0.95, 0.99)(latency) AS latency_quantiles,
    latency_quantiles[1] AS latency_p50_ms,
    latency_quantiles[2] AS latency_p95_ms,
    latency_quantiles[3] AS latency_p99_ms
FROM usage_detail_1d
GROUP BY day, team_id, service, model, model_type, source
