-- Rewrites the existing parts with the codec of 0080.
OPTIMIZE TABLE usage_key_1d FINAL
