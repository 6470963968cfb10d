-- Rewrites the existing parts with the codec of 0084.
OPTIMIZE TABLE usage_team_totals_1d FINAL
