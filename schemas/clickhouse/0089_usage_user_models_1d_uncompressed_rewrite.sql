-- Rewrites the existing parts with the codec of 0088.
OPTIMIZE TABLE usage_user_models_1d FINAL
