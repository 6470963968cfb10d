-- Not repeatable: runs once, with the view stopped (0064) and ingest stopped.
INSERT INTO usage_user_models_1d_by_user
SELECT day, team_id, user_id, model, requests
FROM usage_user_models_1d
