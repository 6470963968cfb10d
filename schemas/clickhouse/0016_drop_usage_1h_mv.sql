-- The former hour rollup (user x key x model per hour) was about as large as raw at realistic
-- volume; usage_team_1h and usage_key_1h replace it.
DROP VIEW IF EXISTS usage_1h_mv
