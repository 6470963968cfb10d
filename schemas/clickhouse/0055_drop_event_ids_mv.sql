-- Replaced by a view that also records the message (0056). Runs with ingest stopped.
DROP VIEW IF EXISTS event_ids_mv
