-- The former minute rollup's 14 days into the new one, before its view exists (see 0011).
INSERT INTO usage_team_1m SELECT * FROM usage_1m
