-- Team domain events from Kafka team-events.v1, for audits and for attributing usage to the
-- team a user belonged to at call time. At-least-once delivery; (team_id, seq) identifies an
-- event, so repeats collapse (ReplacingMergeTree; read with FINAL or argMax for exact answers).
CREATE TABLE IF NOT EXISTS membership_events
(
    team_id      UUID,
    seq          UInt32,
    type         LowCardinality(String),
    actor_id     Nullable(UUID),
    user_id      Nullable(UUID),
    role         LowCardinality(String),
    payload      String,
    occurred_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (team_id, seq)
SETTINGS non_replicated_deduplication_window = 10000
