-- The detail day rollup's whole history (the hour table keeps 400 days, the detail day table
-- everything). Runs before the view exists, with ingest stopped.
INSERT INTO usage_user_models_1d
SELECT day, team_id, user_id, model, sum(requests)
FROM usage_detail_1d
GROUP BY day, team_id, user_id, model
