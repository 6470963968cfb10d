-- The hour-first table takes the name call_events; the materialized views and the event-id
-- view follow the name, so from here on they are fed by inserts into the new table (checked
-- by the rollup migration test).
EXCHANGE TABLES call_events AND call_events_by_time
