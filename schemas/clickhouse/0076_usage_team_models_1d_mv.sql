CREATE MATERIALIZED VIEW IF NOT EXISTS usage_team_models_1d_mv TO usage_team_models_1d AS
SELECT toDate(hour, 'UTC') AS day, team_id, model, sum(requests) AS requests
FROM usage_user_models_1h
GROUP BY day, team_id, model
