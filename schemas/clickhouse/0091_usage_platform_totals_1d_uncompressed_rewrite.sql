-- Rewrites the existing parts with the codec of 0090.
OPTIMIZE TABLE usage_platform_totals_1d FINAL
