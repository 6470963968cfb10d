-- Raw call events, one row per accepted event. team_id is the nil UUID for the personal space
-- (a nullable sort key column would slow every query). cost and credits are exact decimals:
-- prices have up to 9 decimals per million tokens, so 15 decimals hold any event's cost.
CREATE TABLE IF NOT EXISTS call_events
(
    event_id            String,
    occurred_at         DateTime64(3, 'UTC'),
    team_id             UUID,
    user_id             UUID,
    api_key_id          UUID,
    service             LowCardinality(String),
    model               LowCardinality(String),
    model_type          LowCardinality(String),
    source              LowCardinality(String),
    input_tokens        UInt32,
    output_tokens       UInt32,
    cache_read_tokens   UInt32,
    cache_write_tokens  UInt32,
    latency_ms          UInt32,
    ttft_ms             Nullable(UInt32),
    status              LowCardinality(String),
    http_status         Nullable(UInt16),
    error_code          Nullable(String),
    tags                Array(String),
    request_id          Nullable(String),
    cost                Decimal(38, 15),
    credits             Decimal(38, 15),
    price_id            String,
    priced              Bool,
    kafka_partition     UInt32,
    kafka_offset        UInt64,
    ingested_at         DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_event_id event_id TYPE bloom_filter(0.001) GRANULARITY 4,
    INDEX idx_tags tags TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (team_id, toStartOfHour(occurred_at), user_id, occurred_at, event_id)
TTL toDateTime(occurred_at) + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
