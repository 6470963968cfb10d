-- `calls`: the raw call events under stable names for ad hoc SQL (POST /v1/sql, `sql` query).
-- Internal columns (Kafka position, price id, ingest time) stay out, so the raw table can change
-- without breaking saved queries. Team scope is applied to this view by name
-- (additional_table_filters), so every column a team may not see must stay out of it.
CREATE VIEW IF NOT EXISTS calls AS
SELECT
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
    priced
FROM call_events
