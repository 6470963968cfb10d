-- The offset range of every chunk the worker is about to write, recorded before the write. A
-- worker that restarts after a crash (or takes over a partition) cuts its chunks at the
-- recorded boundaries, so a chunk whose write was cut short is retried with the same messages
-- and the same deduplication token: the raw table keeps one copy and each view that missed
-- the write gets it. Without this, a retry fetched with more messages behind it carried a new
-- token, and the raw rows of the cut-short write were stored twice.
CREATE TABLE IF NOT EXISTS ingest_chunks
(
    topic           String,
    partition       UInt32,
    first_offset    Int64,
    last_offset     Int64,
    recorded_at     DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (topic, partition, first_offset)
TTL toDateTime(recorded_at) + INTERVAL 8 DAY
