-- Rewrites the existing parts with the codec of 0086.
OPTIMIZE TABLE usage_team_models_1d FINAL
