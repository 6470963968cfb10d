-- The day-first table, now named usage_user_models_1d_by_user, holds a copy of what usage_user_models_1d holds.
DROP TABLE IF EXISTS usage_user_models_1d_by_user
