-- The raw table's history (its 90 days). Runs before the view exists, with ingest stopped.
INSERT INTO usage_user_models_1h
SELECT toStartOfHour(occurred_at) AS hour, team_id, user_id, model, count() AS requests
FROM call_events
GROUP BY hour, team_id, user_id, model
