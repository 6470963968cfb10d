-- Rewrites the existing parts with the codec of 0082.
OPTIMIZE TABLE usage_user_1d FINAL
