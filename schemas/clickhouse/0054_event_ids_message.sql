-- The Kafka message that recorded each id. A chunk retried after a crash carries the same
-- messages: an id recorded by the very message being retried is that message's own earlier,
-- possibly partial, write, not a duplicate, and the retry must carry it again so the views
-- that missed the write get it (the deduplication token keeps the raw table at one copy).
-- -1: recorded before this column existed.
ALTER TABLE event_ids ADD COLUMN IF NOT EXISTS kafka_partition UInt32 DEFAULT 0, ADD COLUMN IF NOT EXISTS kafka_offset Int64 DEFAULT -1
