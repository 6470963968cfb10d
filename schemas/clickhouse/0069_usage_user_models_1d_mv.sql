-- As 0063, feeding the user-first table.
CREATE MATERIALIZED VIEW IF NOT EXISTS usage_user_models_1d_mv TO usage_user_models_1d AS
SELECT toDate(hour, 'UTC') AS day, team_id, user_id, model, sum(requests) AS requests
FROM usage_user_models_1h
GROUP BY day, team_id, user_id, model
