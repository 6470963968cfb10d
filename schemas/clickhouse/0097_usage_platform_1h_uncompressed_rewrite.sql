-- Rewrites the existing parts with the codec of 0096.
OPTIMIZE TABLE usage_platform_1h FINAL
