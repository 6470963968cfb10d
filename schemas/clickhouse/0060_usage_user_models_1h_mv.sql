CREATE MATERIALIZED VIEW IF NOT EXISTS usage_user_models_1h_mv TO usage_user_models_1h AS
SELECT toStartOfHour(occurred_at) AS hour, team_id, user_id, model, count() AS requests
FROM call_events
GROUP BY hour, team_id, user_id, model
