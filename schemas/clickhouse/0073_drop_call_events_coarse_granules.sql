-- The 8,192-row table, now named call_events_fine_granules, holds a copy of what call_events holds.
DROP TABLE IF EXISTS call_events_fine_granules
