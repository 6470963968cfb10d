-- The user-model day table's whole history. Runs before the view exists, with ingest stopped.
INSERT INTO usage_team_models_1d
SELECT day, team_id, model, sum(requests)
FROM usage_user_models_1d
GROUP BY day, team_id, model
