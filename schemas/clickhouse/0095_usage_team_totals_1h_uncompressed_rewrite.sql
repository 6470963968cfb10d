-- Rewrites the existing parts with the codec of 0094.
OPTIMIZE TABLE usage_team_totals_1h FINAL
