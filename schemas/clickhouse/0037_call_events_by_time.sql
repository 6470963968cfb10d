-- Raw events sorted by hour first, then team: the first schema sorted by team first, so a time
-- range across all teams (the call log's newest page, a plan's unaligned edges) read every
-- granule of the month: at 10M events the last hour read 1,060 of 1,060 granules, and the cost
-- grew with the month, not the range. Hour first keeps a team's range cheap too: within each
-- hour the team is the next key. Same columns and indexes; 0038-0040 move the rows over and
-- swap the tables.
CREATE TABLE IF NOT EXISTS call_events_by_time
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
ORDER BY (toStartOfHour(occurred_at), team_id, user_id, occurred_at, event_id)
TTL toDateTime(occurred_at) + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
