-- The team-first table, now named call_events_by_time, holds a copy of what call_events holds.
DROP TABLE IF EXISTS call_events_by_time
