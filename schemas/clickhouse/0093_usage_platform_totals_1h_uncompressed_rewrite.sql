-- Rewrites the existing parts with the codec of 0092.
OPTIMIZE TABLE usage_platform_totals_1h FINAL
