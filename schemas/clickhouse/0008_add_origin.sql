-- Adds the column origin to the raw events (rows written before hold its default). Generated: npm
-- run schema:generate -- add-raw-column origin

ALTER TABLE call_events
    ADD COLUMN IF NOT EXISTS origin LowCardinality(String) DEFAULT 'live' AFTER cache_write_cost;
