-- The schema the migrations build, as the engine prints it (SHOW CREATE, database name removed).
-- Generated: `npm run schema:current` rewrites it; a test fails when it differs from the migrations.

CREATE TABLE call_events
(
    `event_id` String,
    `occurred_at` DateTime64(3, 'UTC'),
    `team_id` UUID,
    `user_id` UUID,
    `api_key_id` UUID,
    `service` LowCardinality(String),
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `input_tokens` UInt32,
    `output_tokens` UInt32,
    `reasoning_tokens` UInt32,
    `cache_read_tokens` UInt32,
    `cache_write_tokens` UInt32,
    `latency_ms` UInt32,
    `ttft_ms` Nullable(UInt32),
    `status` LowCardinality(String),
    `http_status` Nullable(UInt16),
    `error_code` Nullable(String),
    `tags` Array(String),
    `request_id` Nullable(String),
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `price_id` String,
    `priced` Bool,
    `kafka_partition` UInt32,
    `kafka_offset` UInt64,
    `ingested_at` DateTime64(3, 'UTC') DEFAULT now64(3),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    INDEX idx_event_id event_id TYPE bloom_filter(0.001) GRANULARITY 4,
    INDEX idx_tags tags TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX api_key_bloom api_key_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX user_bloom user_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_request_id request_id TYPE bloom_filter(0.001) GRANULARITY 4
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (toStartOfHour(occurred_at), team_id, user_id, occurred_at, event_id)
TTL toDateTime(occurred_at) + toIntervalDay(90)
SETTINGS index_granularity = 2048, non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1, min_compress_block_size = 8192;

CREATE VIEW calls
(
    `event_id` String,
    `occurred_at` DateTime64(3, 'UTC'),
    `team_id` UUID,
    `user_id` UUID,
    `api_key_id` UUID,
    `service` LowCardinality(String),
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `input_tokens` UInt32,
    `output_tokens` UInt32,
    `cache_read_tokens` UInt32,
    `cache_write_tokens` UInt32,
    `total_tokens` UInt64,
    `latency_ms` UInt32,
    `ttft_ms` Nullable(UInt32),
    `status` LowCardinality(String),
    `http_status` Nullable(UInt16),
    `error_code` Nullable(String),
    `tags` Array(String),
    `request_id` Nullable(String),
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `priced` Bool,
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15)
)
AS SELECT
    event_id,
    occurred_at,
    team_id,
    user_id,
    api_key_id,
    service,
    model,
    model_type,
    source,
    input_tokens,
    output_tokens,
    cache_read_tokens,
    cache_write_tokens,
    toUInt64(input_tokens) + output_tokens AS total_tokens,
    latency_ms,
    ttft_ms,
    status,
    http_status,
    error_code,
    tags,
    request_id,
    cost,
    credits,
    priced,
    input_cost,
    output_cost,
    cache_read_cost,
    cache_write_cost
FROM call_events;

CREATE TABLE event_ids
(
    `event_id` String,
    `first_seen` DateTime('UTC'),
    `kafka_partition` UInt32 DEFAULT 0,
    `kafka_offset` Int64 DEFAULT -1
)
ENGINE = ReplacingMergeTree
ORDER BY event_id
TTL first_seen + toIntervalDay(8)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192;

CREATE MATERIALIZED VIEW event_ids_message_mv TO event_ids
(
    `event_id` String,
    `first_seen` DateTime('UTC'),
    `kafka_partition` UInt32,
    `kafka_offset` Int64
)
AS SELECT
    event_id,
    toDateTime(ingested_at, 'UTC') AS first_seen,
    kafka_partition,
    toInt64(kafka_offset) AS kafka_offset
FROM call_events;

CREATE TABLE ingest_chunks
(
    `topic` String,
    `partition` UInt32,
    `first_offset` Int64,
    `last_offset` Int64,
    `recorded_at` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (topic, partition, first_offset)
TTL toDateTime(recorded_at) + toIntervalDay(8)
SETTINGS index_granularity = 8192;

CREATE TABLE membership_events
(
    `team_id` UUID,
    `seq` UInt32,
    `type` LowCardinality(String),
    `actor_id` Nullable(UUID),
    `user_id` Nullable(UUID),
    `role` LowCardinality(String),
    `payload` String,
    `occurred_at` DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (team_id, seq)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192;

CREATE VIEW team_events
(
    `team_id` UUID,
    `seq` UInt32,
    `type` LowCardinality(String),
    `actor_id` Nullable(UUID),
    `user_id` Nullable(UUID),
    `role` LowCardinality(String),
    `payload` String,
    `occurred_at` DateTime64(3, 'UTC')
)
AS SELECT
    team_id,
    seq,
    type,
    actor_id,
    user_id,
    role,
    payload,
    occurred_at
FROM membership_events
FINAL;

CREATE VIEW usage_daily
(
    `day` Date,
    `team_id` UUID,
    `service` LowCardinality(String),
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `total_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency_quantiles` Array(Float32),
    `latency_p50_ms` Float32,
    `latency_p95_ms` Float32,
    `latency_p99_ms` Float32
)
AS SELECT
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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMerge(0.5, 0.95, 0.99)(latency) AS latency_quantiles,
    latency_quantiles[1] AS latency_p50_ms,
    latency_quantiles[2] AS latency_p95_ms,
    latency_quantiles[3] AS latency_p99_ms
FROM usage_detail_1d
GROUP BY
    day,
    team_id,
    service,
    model,
    model_type,
    source;

CREATE TABLE usage_detail_1d
(
    `day` Date,
    `team_id` UUID,
    `user_id` UUID,
    `api_key_id` UUID,
    `service` LowCardinality(String),
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `requests` SimpleAggregateFunction(sum, UInt64),
    `successes` SimpleAggregateFunction(sum, UInt64),
    `errors` SimpleAggregateFunction(sum, UInt64),
    `input_tokens` SimpleAggregateFunction(sum, UInt64),
    `output_tokens` SimpleAggregateFunction(sum, UInt64),
    `reasoning_tokens` SimpleAggregateFunction(sum, UInt64),
    `cache_read_tokens` SimpleAggregateFunction(sum, UInt64),
    `cache_write_tokens` SimpleAggregateFunction(sum, UInt64),
    `cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `credits` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `input_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `output_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `cache_read_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `cache_write_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `unpriced_requests` SimpleAggregateFunction(sum, UInt64),
    `unpriced_tokens` SimpleAggregateFunction(sum, UInt64),
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, team_id, user_id, api_key_id, model, service, model_type, source)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192;

CREATE MATERIALIZED VIEW usage_detail_1d_mv TO usage_detail_1d
(
    `day` Date,
    `team_id` UUID,
    `user_id` UUID,
    `api_key_id` UUID,
    `service` LowCardinality(String),
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `reasoning_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32)
)
AS SELECT
    toDate(occurred_at, 'UTC') AS day,
    team_id,
    user_id,
    api_key_id,
    service,
    model,
    model_type,
    source,
    count() AS requests,
    countIf(status = 'success') AS successes,
    countIf(status = 'error') AS errors,
    sum(toUInt64(input_tokens)) AS input_tokens,
    sum(toUInt64(output_tokens)) AS output_tokens,
    sum(toUInt64(reasoning_tokens)) AS reasoning_tokens,
    sum(toUInt64(cache_read_tokens)) AS cache_read_tokens,
    sum(toUInt64(cache_write_tokens)) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    countIf(NOT priced) AS unpriced_requests,
    sumIf(toUInt64(call_events.input_tokens) + call_events.output_tokens, NOT priced) AS unpriced_tokens,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft
FROM call_events
GROUP BY
    day,
    team_id,
    user_id,
    api_key_id,
    service,
    model,
    model_type,
    source;

CREATE TABLE usage_errors_1d
(
    `day` Date CODEC(NONE),
    `team_id` UUID CODEC(NONE),
    `model` LowCardinality(String) CODEC(NONE),
    `model_type` LowCardinality(String) CODEC(NONE),
    `source` LowCardinality(String) CODEC(NONE),
    `http_status` UInt16 CODEC(NONE),
    `error_code` LowCardinality(String) CODEC(NONE),
    `requests` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `successes` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `errors` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `input_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `output_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `reasoning_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cache_read_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cache_write_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `credits` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `input_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `output_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `cache_read_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `cache_write_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `unpriced_requests` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `unpriced_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, team_id, http_status, error_code, model, model_type, source)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192;

CREATE MATERIALIZED VIEW usage_errors_1d_mv TO usage_errors_1d
(
    `day` Date,
    `team_id` UUID,
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `http_status` UInt16,
    `error_code` LowCardinality(String),
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `reasoning_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
AS SELECT
    toDate(hour, 'UTC') AS day,
    team_id,
    model,
    model_type,
    source,
    http_status,
    error_code,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(reasoning_tokens) AS reasoning_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft) AS ttft,
    uniqMergeState(users) AS users
FROM usage_errors_1h
GROUP BY
    day,
    team_id,
    model,
    model_type,
    source,
    http_status,
    error_code;

CREATE TABLE usage_errors_1h
(
    `hour` DateTime('UTC'),
    `team_id` UUID,
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `http_status` UInt16,
    `error_code` LowCardinality(String),
    `requests` SimpleAggregateFunction(sum, UInt64),
    `successes` SimpleAggregateFunction(sum, UInt64),
    `errors` SimpleAggregateFunction(sum, UInt64),
    `input_tokens` SimpleAggregateFunction(sum, UInt64),
    `output_tokens` SimpleAggregateFunction(sum, UInt64),
    `reasoning_tokens` SimpleAggregateFunction(sum, UInt64),
    `cache_read_tokens` SimpleAggregateFunction(sum, UInt64),
    `cache_write_tokens` SimpleAggregateFunction(sum, UInt64),
    `cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `credits` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `input_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `output_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `cache_read_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `cache_write_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `unpriced_requests` SimpleAggregateFunction(sum, UInt64),
    `unpriced_tokens` SimpleAggregateFunction(sum, UInt64),
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (toDate(hour), team_id, hour, http_status, error_code, model, model_type, source)
TTL hour + toIntervalDay(400)
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1, index_granularity = 8192;

CREATE MATERIALIZED VIEW usage_errors_1h_mv TO usage_errors_1h
(
    `hour` DateTime('UTC'),
    `team_id` UUID,
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `http_status` UInt16,
    `error_code` LowCardinality(String),
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `reasoning_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
AS SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    model,
    model_type,
    source,
    coalesce(http_status, 0) AS http_status,
    toLowCardinality(coalesce(error_code, '')) AS error_code,
    count() AS requests,
    countIf(status = 'success') AS successes,
    countIf(status = 'error') AS errors,
    sum(toUInt64(input_tokens)) AS input_tokens,
    sum(toUInt64(output_tokens)) AS output_tokens,
    sum(toUInt64(reasoning_tokens)) AS reasoning_tokens,
    sum(toUInt64(cache_read_tokens)) AS cache_read_tokens,
    sum(toUInt64(cache_write_tokens)) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    countIf(NOT priced) AS unpriced_requests,
    sumIf(toUInt64(call_events.input_tokens) + call_events.output_tokens, NOT priced) AS unpriced_tokens,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft,
    uniqState(user_id) AS users
FROM call_events
GROUP BY
    hour,
    team_id,
    model,
    model_type,
    source,
    http_status,
    error_code;

CREATE VIEW usage_hourly
(
    `hour` DateTime('UTC'),
    `team_id` UUID,
    `service` LowCardinality(String),
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `total_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency_quantiles` Array(Float32),
    `latency_p50_ms` Float32,
    `latency_p95_ms` Float32,
    `latency_p99_ms` Float32
)
AS SELECT
    hour,
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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMerge(0.5, 0.95, 0.99)(latency) AS latency_quantiles,
    latency_quantiles[1] AS latency_p50_ms,
    latency_quantiles[2] AS latency_p95_ms,
    latency_quantiles[3] AS latency_p99_ms
FROM usage_team_1h
GROUP BY
    hour,
    team_id,
    service,
    model,
    model_type,
    source;

CREATE TABLE usage_key_1d
(
    `day` Date CODEC(NONE),
    `team_id` UUID CODEC(NONE),
    `user_id` UUID CODEC(NONE),
    `api_key_id` UUID CODEC(NONE),
    `service` LowCardinality(String) CODEC(NONE),
    `source` LowCardinality(String) CODEC(NONE),
    `requests` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `successes` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `errors` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `input_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `output_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `reasoning_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cache_read_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cache_write_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `credits` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `input_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `output_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `cache_read_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `cache_write_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `unpriced_requests` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `unpriced_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, team_id, user_id, api_key_id, service, source)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192;

CREATE MATERIALIZED VIEW usage_key_1d_mv TO usage_key_1d
(
    `day` Date,
    `team_id` UUID,
    `user_id` UUID,
    `api_key_id` UUID,
    `service` LowCardinality(String),
    `source` LowCardinality(String),
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `reasoning_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32)
)
AS SELECT
    toDate(hour, 'UTC') AS day,
    team_id,
    user_id,
    api_key_id,
    service,
    source,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(reasoning_tokens) AS reasoning_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft) AS ttft
FROM usage_key_1h
GROUP BY
    day,
    team_id,
    user_id,
    api_key_id,
    service,
    source;

CREATE TABLE usage_key_1h
(
    `hour` DateTime('UTC'),
    `team_id` UUID,
    `user_id` UUID,
    `api_key_id` UUID,
    `service` LowCardinality(String),
    `source` LowCardinality(String),
    `requests` SimpleAggregateFunction(sum, UInt64),
    `successes` SimpleAggregateFunction(sum, UInt64),
    `errors` SimpleAggregateFunction(sum, UInt64),
    `input_tokens` SimpleAggregateFunction(sum, UInt64),
    `output_tokens` SimpleAggregateFunction(sum, UInt64),
    `reasoning_tokens` SimpleAggregateFunction(sum, UInt64),
    `cache_read_tokens` SimpleAggregateFunction(sum, UInt64),
    `cache_write_tokens` SimpleAggregateFunction(sum, UInt64),
    `cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `credits` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `input_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `output_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `cache_read_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `cache_write_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `unpriced_requests` SimpleAggregateFunction(sum, UInt64),
    `unpriced_tokens` SimpleAggregateFunction(sum, UInt64),
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (toDate(hour), team_id, hour, user_id, api_key_id, service, source)
TTL hour + toIntervalDay(400)
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1, index_granularity = 8192;

CREATE MATERIALIZED VIEW usage_key_1h_mv TO usage_key_1h
(
    `hour` DateTime('UTC'),
    `team_id` UUID,
    `user_id` UUID,
    `api_key_id` UUID,
    `service` LowCardinality(String),
    `source` LowCardinality(String),
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `reasoning_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32)
)
AS SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    user_id,
    api_key_id,
    service,
    source,
    count() AS requests,
    countIf(status = 'success') AS successes,
    countIf(status = 'error') AS errors,
    sum(toUInt64(input_tokens)) AS input_tokens,
    sum(toUInt64(output_tokens)) AS output_tokens,
    sum(toUInt64(reasoning_tokens)) AS reasoning_tokens,
    sum(toUInt64(cache_read_tokens)) AS cache_read_tokens,
    sum(toUInt64(cache_write_tokens)) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    countIf(NOT priced) AS unpriced_requests,
    sumIf(toUInt64(call_events.input_tokens) + call_events.output_tokens, NOT priced) AS unpriced_tokens,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft
FROM call_events
GROUP BY
    hour,
    team_id,
    user_id,
    api_key_id,
    service,
    source;

CREATE VIEW usage_minutely
(
    `minute` DateTime('UTC'),
    `team_id` UUID,
    `service` LowCardinality(String),
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `total_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency_quantiles` Array(Float32),
    `latency_p50_ms` Float32,
    `latency_p95_ms` Float32,
    `latency_p99_ms` Float32
)
AS SELECT
    minute,
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
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMerge(0.5, 0.95, 0.99)(latency) AS latency_quantiles,
    latency_quantiles[1] AS latency_p50_ms,
    latency_quantiles[2] AS latency_p95_ms,
    latency_quantiles[3] AS latency_p99_ms
FROM usage_team_1m
GROUP BY
    minute,
    team_id,
    service,
    model,
    model_type,
    source;

CREATE TABLE usage_platform_1h
(
    `hour` DateTime('UTC') CODEC(NONE),
    `service` LowCardinality(String) CODEC(NONE),
    `model` LowCardinality(String) CODEC(NONE),
    `model_type` LowCardinality(String) CODEC(NONE),
    `source` LowCardinality(String) CODEC(NONE),
    `requests` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `successes` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `errors` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `input_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `output_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `reasoning_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cache_read_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cache_write_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `credits` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `input_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `output_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `cache_read_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `cache_write_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `unpriced_requests` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `unpriced_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (hour, model, service, model_type, source)
TTL hour + toIntervalDay(400)
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW usage_platform_1h_mv TO usage_platform_1h
(
    `hour` DateTime('UTC'),
    `service` LowCardinality(String),
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `reasoning_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
AS SELECT
    hour,
    service,
    model,
    model_type,
    source,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(reasoning_tokens) AS reasoning_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft) AS ttft,
    uniqMergeState(users) AS users
FROM usage_team_1h
GROUP BY
    hour,
    service,
    model,
    model_type,
    source;

CREATE TABLE usage_platform_totals_1d
(
    `day` Date CODEC(NONE),
    `source` LowCardinality(String) CODEC(NONE),
    `requests` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `successes` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `errors` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `input_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `output_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `reasoning_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cache_read_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cache_write_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `credits` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `input_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `output_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `cache_read_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `cache_write_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `unpriced_requests` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `unpriced_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, source)
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW usage_platform_totals_1d_mv TO usage_platform_totals_1d
(
    `day` Date,
    `source` LowCardinality(String),
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `reasoning_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
AS SELECT
    toDate(hour, 'UTC') AS day,
    source,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(reasoning_tokens) AS reasoning_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft) AS ttft,
    uniqMergeState(users) AS users
FROM usage_platform_totals_1h
GROUP BY
    day,
    source;

CREATE TABLE usage_platform_totals_1h
(
    `hour` DateTime('UTC') CODEC(NONE),
    `source` LowCardinality(String) CODEC(NONE),
    `requests` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `successes` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `errors` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `input_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `output_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `reasoning_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cache_read_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cache_write_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `credits` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `input_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `output_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `cache_read_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `cache_write_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `unpriced_requests` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `unpriced_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (hour, source)
TTL hour + toIntervalDay(400)
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW usage_platform_totals_1h_mv TO usage_platform_totals_1h
(
    `hour` DateTime('UTC'),
    `source` LowCardinality(String),
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `reasoning_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
AS SELECT
    hour,
    source,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(reasoning_tokens) AS reasoning_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft) AS ttft,
    uniqMergeState(users) AS users
FROM usage_team_totals_1h
GROUP BY
    hour,
    source;

CREATE TABLE usage_platform_totals_1m
(
    `minute` DateTime('UTC'),
    `source` LowCardinality(String),
    `requests` SimpleAggregateFunction(sum, UInt64),
    `successes` SimpleAggregateFunction(sum, UInt64),
    `errors` SimpleAggregateFunction(sum, UInt64),
    `input_tokens` SimpleAggregateFunction(sum, UInt64),
    `output_tokens` SimpleAggregateFunction(sum, UInt64),
    `reasoning_tokens` SimpleAggregateFunction(sum, UInt64),
    `cache_read_tokens` SimpleAggregateFunction(sum, UInt64),
    `cache_write_tokens` SimpleAggregateFunction(sum, UInt64),
    `cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `credits` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `input_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `output_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `cache_read_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `cache_write_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `unpriced_requests` SimpleAggregateFunction(sum, UInt64),
    `unpriced_tokens` SimpleAggregateFunction(sum, UInt64),
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(minute)
ORDER BY (minute, source)
TTL minute + toIntervalDay(14)
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW usage_platform_totals_1m_mv TO usage_platform_totals_1m
(
    `minute` DateTime('UTC'),
    `source` LowCardinality(String),
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `reasoning_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
AS SELECT
    minute,
    source,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(reasoning_tokens) AS reasoning_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft) AS ttft,
    uniqMergeState(users) AS users
FROM usage_team_1m
GROUP BY
    minute,
    source;

CREATE TABLE usage_tags_1d
(
    `day` Date,
    `team_id` UUID,
    `user_id` UUID,
    `api_key_id` UUID,
    `service` LowCardinality(String),
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `tags` Array(String),
    `requests` SimpleAggregateFunction(sum, UInt64),
    `successes` SimpleAggregateFunction(sum, UInt64),
    `errors` SimpleAggregateFunction(sum, UInt64),
    `input_tokens` SimpleAggregateFunction(sum, UInt64),
    `output_tokens` SimpleAggregateFunction(sum, UInt64),
    `reasoning_tokens` SimpleAggregateFunction(sum, UInt64),
    `cache_read_tokens` SimpleAggregateFunction(sum, UInt64),
    `cache_write_tokens` SimpleAggregateFunction(sum, UInt64),
    `cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `credits` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `input_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `output_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `cache_read_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `cache_write_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `unpriced_requests` SimpleAggregateFunction(sum, UInt64),
    `unpriced_tokens` SimpleAggregateFunction(sum, UInt64),
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, team_id, tags, user_id, api_key_id, model, service, model_type, source)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192;

CREATE MATERIALIZED VIEW usage_tags_1d_mv TO usage_tags_1d
(
    `day` Date,
    `team_id` UUID,
    `user_id` UUID,
    `api_key_id` UUID,
    `service` LowCardinality(String),
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `tags` Array(String),
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `reasoning_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32)
)
AS SELECT
    toDate(occurred_at, 'UTC') AS day,
    team_id,
    user_id,
    api_key_id,
    service,
    model,
    model_type,
    source,
    arraySort(tags) AS tags,
    count() AS requests,
    countIf(status = 'success') AS successes,
    countIf(status = 'error') AS errors,
    sum(toUInt64(input_tokens)) AS input_tokens,
    sum(toUInt64(output_tokens)) AS output_tokens,
    sum(toUInt64(reasoning_tokens)) AS reasoning_tokens,
    sum(toUInt64(cache_read_tokens)) AS cache_read_tokens,
    sum(toUInt64(cache_write_tokens)) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    countIf(NOT priced) AS unpriced_requests,
    sumIf(toUInt64(call_events.input_tokens) + call_events.output_tokens, NOT priced) AS unpriced_tokens,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft
FROM call_events
WHERE notEmpty(tags)
GROUP BY
    day,
    team_id,
    user_id,
    api_key_id,
    service,
    model,
    model_type,
    source,
    tags;

CREATE TABLE usage_tags_1h
(
    `hour` DateTime('UTC'),
    `team_id` UUID,
    `service` LowCardinality(String),
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `tags` Array(String),
    `requests` SimpleAggregateFunction(sum, UInt64),
    `successes` SimpleAggregateFunction(sum, UInt64),
    `errors` SimpleAggregateFunction(sum, UInt64),
    `input_tokens` SimpleAggregateFunction(sum, UInt64),
    `output_tokens` SimpleAggregateFunction(sum, UInt64),
    `reasoning_tokens` SimpleAggregateFunction(sum, UInt64),
    `cache_read_tokens` SimpleAggregateFunction(sum, UInt64),
    `cache_write_tokens` SimpleAggregateFunction(sum, UInt64),
    `cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `credits` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `input_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `output_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `cache_read_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `cache_write_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `unpriced_requests` SimpleAggregateFunction(sum, UInt64),
    `unpriced_tokens` SimpleAggregateFunction(sum, UInt64),
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (toDate(hour), team_id, hour, tags, model, service, model_type, source)
TTL hour + toIntervalDay(400)
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1, index_granularity = 8192;

CREATE MATERIALIZED VIEW usage_tags_1h_mv TO usage_tags_1h
(
    `hour` DateTime('UTC'),
    `team_id` UUID,
    `service` LowCardinality(String),
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `tags` Array(String),
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `reasoning_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
AS SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    service,
    model,
    model_type,
    source,
    arraySort(tags) AS tags,
    count() AS requests,
    countIf(status = 'success') AS successes,
    countIf(status = 'error') AS errors,
    sum(toUInt64(input_tokens)) AS input_tokens,
    sum(toUInt64(output_tokens)) AS output_tokens,
    sum(toUInt64(reasoning_tokens)) AS reasoning_tokens,
    sum(toUInt64(cache_read_tokens)) AS cache_read_tokens,
    sum(toUInt64(cache_write_tokens)) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    countIf(NOT priced) AS unpriced_requests,
    sumIf(toUInt64(call_events.input_tokens) + call_events.output_tokens, NOT priced) AS unpriced_tokens,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft,
    uniqState(user_id) AS users
FROM call_events
WHERE notEmpty(tags)
GROUP BY
    hour,
    team_id,
    service,
    model,
    model_type,
    source,
    tags;

CREATE TABLE usage_team_1h
(
    `hour` DateTime('UTC'),
    `team_id` UUID,
    `service` LowCardinality(String),
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `requests` SimpleAggregateFunction(sum, UInt64),
    `successes` SimpleAggregateFunction(sum, UInt64),
    `errors` SimpleAggregateFunction(sum, UInt64),
    `input_tokens` SimpleAggregateFunction(sum, UInt64),
    `output_tokens` SimpleAggregateFunction(sum, UInt64),
    `reasoning_tokens` SimpleAggregateFunction(sum, UInt64),
    `cache_read_tokens` SimpleAggregateFunction(sum, UInt64),
    `cache_write_tokens` SimpleAggregateFunction(sum, UInt64),
    `cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `credits` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `input_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `output_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `cache_read_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `cache_write_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `unpriced_requests` SimpleAggregateFunction(sum, UInt64),
    `unpriced_tokens` SimpleAggregateFunction(sum, UInt64),
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (toDate(hour), team_id, hour, model, service, model_type, source)
TTL hour + toIntervalDay(400)
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1, index_granularity = 8192;

CREATE MATERIALIZED VIEW usage_team_1h_mv TO usage_team_1h
(
    `hour` DateTime('UTC'),
    `team_id` UUID,
    `service` LowCardinality(String),
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `reasoning_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
AS SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    service,
    model,
    model_type,
    source,
    count() AS requests,
    countIf(status = 'success') AS successes,
    countIf(status = 'error') AS errors,
    sum(toUInt64(input_tokens)) AS input_tokens,
    sum(toUInt64(output_tokens)) AS output_tokens,
    sum(toUInt64(reasoning_tokens)) AS reasoning_tokens,
    sum(toUInt64(cache_read_tokens)) AS cache_read_tokens,
    sum(toUInt64(cache_write_tokens)) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    countIf(NOT priced) AS unpriced_requests,
    sumIf(toUInt64(call_events.input_tokens) + call_events.output_tokens, NOT priced) AS unpriced_tokens,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft,
    uniqState(user_id) AS users
FROM call_events
GROUP BY
    hour,
    team_id,
    service,
    model,
    model_type,
    source;

CREATE TABLE usage_team_1m
(
    `minute` DateTime('UTC'),
    `team_id` UUID,
    `service` LowCardinality(String),
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `requests` SimpleAggregateFunction(sum, UInt64),
    `successes` SimpleAggregateFunction(sum, UInt64),
    `errors` SimpleAggregateFunction(sum, UInt64),
    `input_tokens` SimpleAggregateFunction(sum, UInt64),
    `output_tokens` SimpleAggregateFunction(sum, UInt64),
    `reasoning_tokens` SimpleAggregateFunction(sum, UInt64),
    `cache_read_tokens` SimpleAggregateFunction(sum, UInt64),
    `cache_write_tokens` SimpleAggregateFunction(sum, UInt64),
    `cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `credits` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `input_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `output_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `cache_read_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `cache_write_cost` SimpleAggregateFunction(sum, Decimal(38, 15)),
    `unpriced_requests` SimpleAggregateFunction(sum, UInt64),
    `unpriced_tokens` SimpleAggregateFunction(sum, UInt64),
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(minute)
ORDER BY (toStartOfHour(minute), team_id, minute, model, service, model_type, source)
TTL minute + toIntervalDay(14)
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1, index_granularity = 8192;

CREATE MATERIALIZED VIEW usage_team_1m_mv TO usage_team_1m
(
    `minute` DateTime('UTC'),
    `team_id` UUID,
    `service` LowCardinality(String),
    `model` LowCardinality(String),
    `model_type` LowCardinality(String),
    `source` LowCardinality(String),
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `reasoning_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
AS SELECT
    toStartOfMinute(occurred_at) AS minute,
    team_id,
    service,
    model,
    model_type,
    source,
    count() AS requests,
    countIf(status = 'success') AS successes,
    countIf(status = 'error') AS errors,
    sum(toUInt64(input_tokens)) AS input_tokens,
    sum(toUInt64(output_tokens)) AS output_tokens,
    sum(toUInt64(reasoning_tokens)) AS reasoning_tokens,
    sum(toUInt64(cache_read_tokens)) AS cache_read_tokens,
    sum(toUInt64(cache_write_tokens)) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    countIf(NOT priced) AS unpriced_requests,
    sumIf(toUInt64(call_events.input_tokens) + call_events.output_tokens, NOT priced) AS unpriced_tokens,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft,
    uniqState(user_id) AS users
FROM call_events
GROUP BY
    minute,
    team_id,
    service,
    model,
    model_type,
    source;

CREATE TABLE usage_team_models_1d
(
    `day` Date CODEC(NONE),
    `team_id` UUID CODEC(NONE),
    `model` LowCardinality(String) CODEC(NONE),
    `requests` SimpleAggregateFunction(sum, UInt64) CODEC(NONE)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, team_id, model)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192;

CREATE MATERIALIZED VIEW usage_team_models_1d_mv TO usage_team_models_1d
(
    `day` Date,
    `team_id` UUID,
    `model` LowCardinality(String),
    `requests` UInt64
)
AS SELECT
    toDate(hour, 'UTC') AS day,
    team_id,
    model,
    sum(requests) AS requests
FROM usage_user_models_1h
GROUP BY
    day,
    team_id,
    model;

CREATE TABLE usage_team_totals_1d
(
    `day` Date CODEC(NONE),
    `team_id` UUID CODEC(NONE),
    `source` LowCardinality(String) CODEC(NONE),
    `requests` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `successes` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `errors` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `input_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `output_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `reasoning_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cache_read_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cache_write_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `credits` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `input_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `output_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `cache_read_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `cache_write_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `unpriced_requests` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `unpriced_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, team_id, source)
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW usage_team_totals_1d_mv TO usage_team_totals_1d
(
    `day` Date,
    `team_id` UUID,
    `source` LowCardinality(String),
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `reasoning_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
AS SELECT
    toDate(hour, 'UTC') AS day,
    team_id,
    source,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(reasoning_tokens) AS reasoning_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft) AS ttft,
    uniqMergeState(users) AS users
FROM usage_team_totals_1h
GROUP BY
    day,
    team_id,
    source;

CREATE TABLE usage_team_totals_1h
(
    `hour` DateTime('UTC') CODEC(NONE),
    `team_id` UUID CODEC(NONE),
    `source` LowCardinality(String) CODEC(NONE),
    `requests` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `successes` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `errors` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `input_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `output_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `reasoning_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cache_read_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cache_write_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `credits` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `input_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `output_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `cache_read_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `cache_write_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `unpriced_requests` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `unpriced_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (toDate(hour), team_id, hour, source)
TTL hour + toIntervalDay(400)
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW usage_team_totals_1h_mv TO usage_team_totals_1h
(
    `hour` DateTime('UTC'),
    `team_id` UUID,
    `source` LowCardinality(String),
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `reasoning_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `users` AggregateFunction(uniq, UUID)
)
AS SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    source,
    count() AS requests,
    countIf(status = 'success') AS successes,
    countIf(status = 'error') AS errors,
    sum(toUInt64(input_tokens)) AS input_tokens,
    sum(toUInt64(output_tokens)) AS output_tokens,
    sum(toUInt64(reasoning_tokens)) AS reasoning_tokens,
    sum(toUInt64(cache_read_tokens)) AS cache_read_tokens,
    sum(toUInt64(cache_write_tokens)) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    countIf(NOT priced) AS unpriced_requests,
    sumIf(toUInt64(call_events.input_tokens) + call_events.output_tokens, NOT priced) AS unpriced_tokens,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    quantilesTDigestStateIf(0.5, 0.95, 0.99)(assumeNotNull(ttft_ms), isNotNull(ttft_ms)) AS ttft,
    uniqState(user_id) AS users
FROM call_events
GROUP BY
    hour,
    team_id,
    source;

CREATE TABLE usage_user_1d
(
    `day` Date CODEC(NONE),
    `team_id` UUID CODEC(NONE),
    `user_id` UUID CODEC(NONE),
    `requests` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `successes` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `errors` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `input_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `output_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `reasoning_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cache_read_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cache_write_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `credits` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `input_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `output_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `cache_read_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `cache_write_cost` SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    `unpriced_requests` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `unpriced_tokens` SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, team_id, user_id)
SETTINGS non_replicated_deduplication_window = 10000, index_granularity = 8192;

CREATE MATERIALIZED VIEW usage_user_1d_mv TO usage_user_1d
(
    `day` Date,
    `team_id` UUID,
    `user_id` UUID,
    `requests` UInt64,
    `successes` UInt64,
    `errors` UInt64,
    `input_tokens` UInt64,
    `output_tokens` UInt64,
    `reasoning_tokens` UInt64,
    `cache_read_tokens` UInt64,
    `cache_write_tokens` UInt64,
    `cost` Decimal(38, 15),
    `credits` Decimal(38, 15),
    `input_cost` Decimal(38, 15),
    `output_cost` Decimal(38, 15),
    `cache_read_cost` Decimal(38, 15),
    `cache_write_cost` Decimal(38, 15),
    `unpriced_requests` UInt64,
    `unpriced_tokens` UInt64,
    `latency` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    `ttft` AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32)
)
AS SELECT
    toDate(hour, 'UTC') AS day,
    team_id,
    user_id,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(reasoning_tokens) AS reasoning_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    sum(input_cost) AS input_cost,
    sum(output_cost) AS output_cost,
    sum(cache_read_cost) AS cache_read_cost,
    sum(cache_write_cost) AS cache_write_cost,
    sum(unpriced_requests) AS unpriced_requests,
    sum(unpriced_tokens) AS unpriced_tokens,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(ttft) AS ttft
FROM usage_key_1h
GROUP BY
    day,
    team_id,
    user_id;

CREATE TABLE usage_user_models_1d
(
    `day` Date CODEC(NONE),
    `team_id` UUID CODEC(NONE),
    `user_id` UUID CODEC(NONE),
    `model` LowCardinality(String) CODEC(NONE),
    `requests` SimpleAggregateFunction(sum, UInt64) CODEC(NONE)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (user_id, day, team_id, model)
SETTINGS index_granularity = 1024, non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW usage_user_models_1d_mv TO usage_user_models_1d
(
    `day` Date,
    `team_id` UUID,
    `user_id` UUID,
    `model` LowCardinality(String),
    `requests` UInt64
)
AS SELECT
    toDate(hour, 'UTC') AS day,
    team_id,
    user_id,
    model,
    sum(requests) AS requests
FROM usage_user_models_1h
GROUP BY
    day,
    team_id,
    user_id,
    model;

CREATE TABLE usage_user_models_1h
(
    `hour` DateTime('UTC'),
    `team_id` UUID,
    `user_id` UUID,
    `model` LowCardinality(String),
    `requests` SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (toDate(hour), user_id, hour, team_id, model)
TTL hour + toIntervalDay(400)
SETTINGS index_granularity = 1024, non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW usage_user_models_1h_mv TO usage_user_models_1h
(
    `hour` DateTime('UTC'),
    `team_id` UUID,
    `user_id` UUID,
    `model` LowCardinality(String),
    `requests` UInt64
)
AS SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    user_id,
    model,
    count() AS requests
FROM call_events
GROUP BY
    hour,
    team_id,
    user_id,
    model;
