CREATE MATERIALIZED VIEW IF NOT EXISTS event_ids_message_mv TO event_ids AS
SELECT event_id, toDateTime(ingested_at, 'UTC') AS first_seen, kafka_partition, toInt64(kafka_offset) AS kafka_offset
FROM call_events
