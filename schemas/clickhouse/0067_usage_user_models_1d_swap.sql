-- The user-first table takes the name the planner reads.
EXCHANGE TABLES usage_user_models_1d AND usage_user_models_1d_by_user
