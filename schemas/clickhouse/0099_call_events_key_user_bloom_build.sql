-- Builds 0098's filters for the existing parts, waiting until they are written.
ALTER TABLE call_events
    MATERIALIZE INDEX api_key_bloom,
    MATERIALIZE INDEX user_bloom
SETTINGS mutations_sync = 2
