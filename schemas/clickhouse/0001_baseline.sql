-- Baseline: the whole schema, generated from libs/analytics/src/catalog
-- (scripts/generate-clickhouse-migration.ts). It replaces migrations 0001-0099, squashed on
-- 2026-12-01; see README.md in this directory.

-- Raw call events, one row per accepted event (90 days), sorted by hour first, then team, in
-- granules of 2,048 rows. team_id is the nil UUID for the personal space; cost and credits are
-- exact decimals. Bloom filters over key and user let a call log of one key or user skip granules.
CREATE TABLE IF NOT EXISTS call_events
(
    event_id String,
    occurred_at DateTime64(3, 'UTC'),
    team_id UUID,
    user_id UUID,
    api_key_id UUID,
    service LowCardinality(String),
    model LowCardinality(String),
    model_type LowCardinality(String),
    source LowCardinality(String),
    input_tokens UInt32,
    output_tokens UInt32,
    cache_read_tokens UInt32,
    cache_write_tokens UInt32,
    latency_ms UInt32,
    ttft_ms Nullable(UInt32),
    status LowCardinality(String),
    http_status Nullable(UInt16),
    error_code Nullable(String),
    tags Array(String),
    request_id Nullable(String),
    cost Decimal(38, 15),
    credits Decimal(38, 15),
    price_id String,
    priced Bool,
    kafka_partition UInt32,
    kafka_offset UInt64,
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_event_id event_id TYPE bloom_filter(0.001) GRANULARITY 4,
    INDEX idx_tags tags TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX api_key_bloom api_key_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX user_bloom user_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (toStartOfHour(occurred_at), team_id, user_id, occurred_at, event_id)
TTL toDateTime(occurred_at) + INTERVAL 90 DAY
SETTINGS
    index_granularity = 2048,
    non_replicated_deduplication_window = 10000,
    ttl_only_drop_parts = 1,
    min_compress_block_size = 8192;

-- event_id -> first ingest time and the Kafka message that recorded it: the worker's dedup index (8
-- days). Fed by a view of call_events, so an id is recorded in the same insert that stores its
-- event. kafka_offset -1: recorded before the message was kept.
CREATE TABLE IF NOT EXISTS event_ids
(
    event_id String,
    first_seen DateTime('UTC'),
    kafka_partition UInt32 DEFAULT 0,
    kafka_offset Int64 DEFAULT -1
)
ENGINE = ReplacingMergeTree
ORDER BY event_id
TTL first_seen + INTERVAL 8 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS event_ids_message_mv TO event_ids AS
SELECT
    event_id,
    toDateTime(ingested_at, 'UTC') AS first_seen,
    kafka_partition,
    toInt64(kafka_offset) AS kafka_offset
FROM call_events;

-- Team domain events from Kafka team-events.v1, for audits and attributing usage to the team a user
-- belonged to at call time. (team_id, seq) identifies an event, so repeats collapse (read with
-- FINAL or argMax).
CREATE TABLE IF NOT EXISTS membership_events
(
    team_id UUID,
    seq UInt32,
    type LowCardinality(String),
    actor_id Nullable(UUID),
    user_id Nullable(UUID),
    role LowCardinality(String),
    payload String,
    occurred_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (team_id, seq)
SETTINGS non_replicated_deduplication_window = 10000;

-- The offset range of every chunk the worker is about to write, recorded before the write: a
-- restarted worker cuts its chunks at the recorded boundaries, so a cut-short write is retried with
-- the same token.
CREATE TABLE IF NOT EXISTS ingest_chunks
(
    topic String,
    partition UInt32,
    first_offset Int64,
    last_offset Int64,
    recorded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (topic, partition, first_offset)
TTL toDateTime(recorded_at) + INTERVAL 8 DAY;

-- Minute rollup per team, model, service and source (14 days): last hour, today, 1m/5m trends,
-- zones with 30/45-minute offsets.
CREATE TABLE IF NOT EXISTS usage_team_1m
(
    minute DateTime('UTC'),
    team_id UUID,
    service LowCardinality(String),
    model LowCardinality(String),
    model_type LowCardinality(String),
    source LowCardinality(String),
    requests SimpleAggregateFunction(sum, UInt64),
    successes SimpleAggregateFunction(sum, UInt64),
    errors SimpleAggregateFunction(sum, UInt64),
    input_tokens SimpleAggregateFunction(sum, UInt64),
    output_tokens SimpleAggregateFunction(sum, UInt64),
    cache_read_tokens SimpleAggregateFunction(sum, UInt64),
    cache_write_tokens SimpleAggregateFunction(sum, UInt64),
    cost SimpleAggregateFunction(sum, Decimal(38, 15)),
    credits SimpleAggregateFunction(sum, Decimal(38, 15)),
    latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    users AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(minute)
ORDER BY (toStartOfHour(minute), team_id, minute, model, service, model_type, source)
TTL minute + INTERVAL 14 DAY
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_team_1m_mv TO usage_team_1m AS
SELECT
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
    sum(toUInt64(cache_read_tokens)) AS cache_read_tokens,
    sum(toUInt64(cache_write_tokens)) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    uniqState(user_id) AS users
FROM call_events
GROUP BY minute, team_id, service, model, model_type, source;

-- Team totals by hour (400 days): summaries, team trends and rankings naming no service or model.
-- Granules of 256 rows: its states are large and a read deserializes whole granules.
CREATE TABLE IF NOT EXISTS usage_team_totals_1h
(
    hour DateTime('UTC') CODEC(NONE),
    team_id UUID CODEC(NONE),
    source LowCardinality(String) CODEC(NONE),
    requests SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    successes SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    errors SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    input_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    output_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cache_read_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cache_write_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    credits SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    users AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (toDate(hour), team_id, hour, source)
TTL hour + INTERVAL 400 DAY
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_team_totals_1h_mv TO usage_team_totals_1h AS
SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    source,
    count() AS requests,
    countIf(status = 'success') AS successes,
    countIf(status = 'error') AS errors,
    sum(toUInt64(input_tokens)) AS input_tokens,
    sum(toUInt64(output_tokens)) AS output_tokens,
    sum(toUInt64(cache_read_tokens)) AS cache_read_tokens,
    sum(toUInt64(cache_write_tokens)) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    uniqState(user_id) AS users
FROM call_events
GROUP BY hour, team_id, source;

-- Team hour rollup (400 days): team trends and rankings by service, model, model type or source.
CREATE TABLE IF NOT EXISTS usage_team_1h
(
    hour DateTime('UTC'),
    team_id UUID,
    service LowCardinality(String),
    model LowCardinality(String),
    model_type LowCardinality(String),
    source LowCardinality(String),
    requests SimpleAggregateFunction(sum, UInt64),
    successes SimpleAggregateFunction(sum, UInt64),
    errors SimpleAggregateFunction(sum, UInt64),
    input_tokens SimpleAggregateFunction(sum, UInt64),
    output_tokens SimpleAggregateFunction(sum, UInt64),
    cache_read_tokens SimpleAggregateFunction(sum, UInt64),
    cache_write_tokens SimpleAggregateFunction(sum, UInt64),
    cost SimpleAggregateFunction(sum, Decimal(38, 15)),
    credits SimpleAggregateFunction(sum, Decimal(38, 15)),
    latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    users AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (toDate(hour), team_id, hour, model, service, model_type, source)
TTL hour + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_team_1h_mv TO usage_team_1h AS
SELECT
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
    sum(toUInt64(cache_read_tokens)) AS cache_read_tokens,
    sum(toUInt64(cache_write_tokens)) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency,
    uniqState(user_id) AS users
FROM call_events
GROUP BY hour, team_id, service, model, model_type, source;

-- Key hour rollup (400 days): everything per user or API key at hour grain; the model is left out
-- (keys x models per hour would be as large as raw). User is a key column: active users are exact.
CREATE TABLE IF NOT EXISTS usage_key_1h
(
    hour DateTime('UTC'),
    team_id UUID,
    user_id UUID,
    api_key_id UUID,
    service LowCardinality(String),
    source LowCardinality(String),
    requests SimpleAggregateFunction(sum, UInt64),
    successes SimpleAggregateFunction(sum, UInt64),
    errors SimpleAggregateFunction(sum, UInt64),
    input_tokens SimpleAggregateFunction(sum, UInt64),
    output_tokens SimpleAggregateFunction(sum, UInt64),
    cache_read_tokens SimpleAggregateFunction(sum, UInt64),
    cache_write_tokens SimpleAggregateFunction(sum, UInt64),
    cost SimpleAggregateFunction(sum, Decimal(38, 15)),
    credits SimpleAggregateFunction(sum, Decimal(38, 15)),
    latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (toDate(hour), team_id, hour, user_id, api_key_id, service, source)
TTL hour + INTERVAL 400 DAY
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_key_1h_mv TO usage_key_1h AS
SELECT
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
    sum(toUInt64(cache_read_tokens)) AS cache_read_tokens,
    sum(toUInt64(cache_write_tokens)) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency
FROM call_events
GROUP BY hour, team_id, user_id, api_key_id, service, source;

-- Every dimension by UTC day (forever): user or key together with model over long UTC ranges.
CREATE TABLE IF NOT EXISTS usage_detail_1d
(
    day Date,
    team_id UUID,
    user_id UUID,
    api_key_id UUID,
    service LowCardinality(String),
    model LowCardinality(String),
    model_type LowCardinality(String),
    source LowCardinality(String),
    requests SimpleAggregateFunction(sum, UInt64),
    successes SimpleAggregateFunction(sum, UInt64),
    errors SimpleAggregateFunction(sum, UInt64),
    input_tokens SimpleAggregateFunction(sum, UInt64),
    output_tokens SimpleAggregateFunction(sum, UInt64),
    cache_read_tokens SimpleAggregateFunction(sum, UInt64),
    cache_write_tokens SimpleAggregateFunction(sum, UInt64),
    cost SimpleAggregateFunction(sum, Decimal(38, 15)),
    credits SimpleAggregateFunction(sum, Decimal(38, 15)),
    latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, team_id, user_id, api_key_id, model, service, model_type, source)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_detail_1d_mv TO usage_detail_1d AS
SELECT
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
    sum(toUInt64(cache_read_tokens)) AS cache_read_tokens,
    sum(toUInt64(cache_write_tokens)) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestState(0.5, 0.95, 0.99)(latency_ms) AS latency
FROM call_events
GROUP BY day, team_id, user_id, api_key_id, service, model, model_type, source;

-- Team totals by UTC day (forever): whole days of summaries, team trends and rankings.
CREATE TABLE IF NOT EXISTS usage_team_totals_1d
(
    day Date CODEC(NONE),
    team_id UUID CODEC(NONE),
    source LowCardinality(String) CODEC(NONE),
    requests SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    successes SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    errors SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    input_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    output_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cache_read_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cache_write_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    credits SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    users AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, team_id, source)
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_team_totals_1d_mv TO usage_team_totals_1d AS
SELECT
    toDate(hour, 'UTC') AS day,
    team_id,
    source,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    uniqMergeState(users) AS users
FROM usage_team_totals_1h
GROUP BY day, team_id, source;

-- Key day rollup (forever): whole days of everything per user or API key; bounded by keys x days.
CREATE TABLE IF NOT EXISTS usage_key_1d
(
    day Date CODEC(NONE),
    team_id UUID CODEC(NONE),
    user_id UUID CODEC(NONE),
    api_key_id UUID CODEC(NONE),
    service LowCardinality(String) CODEC(NONE),
    source LowCardinality(String) CODEC(NONE),
    requests SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    successes SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    errors SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    input_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    output_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cache_read_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cache_write_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    credits SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, team_id, user_id, api_key_id, service, source)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_key_1d_mv TO usage_key_1d AS
SELECT
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
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency
FROM usage_key_1h
GROUP BY day, team_id, user_id, api_key_id, service, source;

-- Platform hour rollup (400 days, no team): model and service trends and rankings across all teams.
CREATE TABLE IF NOT EXISTS usage_platform_1h
(
    hour DateTime('UTC') CODEC(NONE),
    service LowCardinality(String) CODEC(NONE),
    model LowCardinality(String) CODEC(NONE),
    model_type LowCardinality(String) CODEC(NONE),
    source LowCardinality(String) CODEC(NONE),
    requests SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    successes SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    errors SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    input_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    output_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cache_read_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cache_write_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    credits SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    users AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (hour, model, service, model_type, source)
TTL hour + INTERVAL 400 DAY
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_platform_1h_mv TO usage_platform_1h AS
SELECT
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
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    uniqMergeState(users) AS users
FROM usage_team_1h
GROUP BY hour, service, model, model_type, source;

-- Platform totals by hour (400 days): summaries and totals across all teams.
CREATE TABLE IF NOT EXISTS usage_platform_totals_1h
(
    hour DateTime('UTC') CODEC(NONE),
    source LowCardinality(String) CODEC(NONE),
    requests SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    successes SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    errors SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    input_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    output_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cache_read_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cache_write_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    credits SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    users AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (hour, source)
TTL hour + INTERVAL 400 DAY
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_platform_totals_1h_mv TO usage_platform_totals_1h AS
SELECT
    hour,
    source,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    uniqMergeState(users) AS users
FROM usage_team_totals_1h
GROUP BY hour, source;

-- Platform totals by minute (14 days): the last hour and today across all teams.
CREATE TABLE IF NOT EXISTS usage_platform_totals_1m
(
    minute DateTime('UTC'),
    source LowCardinality(String),
    requests SimpleAggregateFunction(sum, UInt64),
    successes SimpleAggregateFunction(sum, UInt64),
    errors SimpleAggregateFunction(sum, UInt64),
    input_tokens SimpleAggregateFunction(sum, UInt64),
    output_tokens SimpleAggregateFunction(sum, UInt64),
    cache_read_tokens SimpleAggregateFunction(sum, UInt64),
    cache_write_tokens SimpleAggregateFunction(sum, UInt64),
    cost SimpleAggregateFunction(sum, Decimal(38, 15)),
    credits SimpleAggregateFunction(sum, Decimal(38, 15)),
    latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    users AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(minute)
ORDER BY (minute, source)
TTL minute + INTERVAL 14 DAY
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_platform_totals_1m_mv TO usage_platform_totals_1m AS
SELECT
    minute,
    source,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    uniqMergeState(users) AS users
FROM usage_team_1m
GROUP BY minute, source;

-- Platform totals by UTC day (forever): long ranges across all teams.
CREATE TABLE IF NOT EXISTS usage_platform_totals_1d
(
    day Date CODEC(NONE),
    source LowCardinality(String) CODEC(NONE),
    requests SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    successes SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    errors SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    input_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    output_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cache_read_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cache_write_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    credits SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32),
    users AggregateFunction(uniq, UUID)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, source)
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_platform_totals_1d_mv TO usage_platform_totals_1d AS
SELECT
    toDate(hour, 'UTC') AS day,
    source,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency,
    uniqMergeState(users) AS users
FROM usage_platform_totals_1h
GROUP BY day, source;

-- Which models each user called, per hour (400 days; requests only): a breakdown page's model lists
-- at the edges. Sorted by user within a day, in granules of 1,024 rows: read for one page of users.
CREATE TABLE IF NOT EXISTS usage_user_models_1h
(
    hour DateTime('UTC'),
    team_id UUID,
    user_id UUID,
    model LowCardinality(String),
    requests SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (toDate(hour), user_id, hour, team_id, model)
TTL hour + INTERVAL 400 DAY
SETTINGS index_granularity = 1024, non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_user_models_1h_mv TO usage_user_models_1h AS
SELECT
    toStartOfHour(occurred_at) AS hour,
    team_id,
    user_id,
    model,
    count() AS requests
FROM call_events
GROUP BY hour, team_id, user_id, model;

-- Which models each user called, per UTC day (forever): sorted by user first, read for a page of
-- users.
CREATE TABLE IF NOT EXISTS usage_user_models_1d
(
    day Date CODEC(NONE),
    team_id UUID CODEC(NONE),
    user_id UUID CODEC(NONE),
    model LowCardinality(String) CODEC(NONE),
    requests SimpleAggregateFunction(sum, UInt64) CODEC(NONE)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (user_id, day, team_id, model)
SETTINGS index_granularity = 1024, non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_user_models_1d_mv TO usage_user_models_1d AS
SELECT
    toDate(hour, 'UTC') AS day,
    team_id,
    user_id,
    model,
    sum(requests) AS requests
FROM usage_user_models_1h
GROUP BY day, team_id, user_id, model;

-- Requests by team and model per UTC day (forever): a breakdown by team's model lists.
CREATE TABLE IF NOT EXISTS usage_team_models_1d
(
    day Date CODEC(NONE),
    team_id UUID CODEC(NONE),
    model LowCardinality(String) CODEC(NONE),
    requests SimpleAggregateFunction(sum, UInt64) CODEC(NONE)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, team_id, model)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_team_models_1d_mv TO usage_team_models_1d AS
SELECT
    toDate(hour, 'UTC') AS day,
    team_id,
    model,
    sum(requests) AS requests
FROM usage_user_models_1h
GROUP BY day, team_id, model;

-- Usage per user per UTC day (forever): breakdowns and rankings by user without key, service or
-- source.
CREATE TABLE IF NOT EXISTS usage_user_1d
(
    day Date CODEC(NONE),
    team_id UUID CODEC(NONE),
    user_id UUID CODEC(NONE),
    requests SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    successes SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    errors SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    input_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    output_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cache_read_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cache_write_tokens SimpleAggregateFunction(sum, UInt64) CODEC(NONE),
    cost SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    credits SimpleAggregateFunction(sum, Decimal(38, 15)) CODEC(NONE),
    latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt32)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (day, team_id, user_id)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS usage_user_1d_mv TO usage_user_1d AS
SELECT
    toDate(hour, 'UTC') AS day,
    team_id,
    user_id,
    sum(requests) AS requests,
    sum(successes) AS successes,
    sum(errors) AS errors,
    sum(input_tokens) AS input_tokens,
    sum(output_tokens) AS output_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(cost) AS cost,
    sum(credits) AS credits,
    quantilesTDigestMergeState(0.5, 0.95, 0.99)(latency) AS latency
FROM usage_key_1h
GROUP BY day, team_id, user_id;
