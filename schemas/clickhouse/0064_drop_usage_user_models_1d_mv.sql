-- usage_user_models_1d is sorted again, user first (0065-0069). Its view stops first, so no
-- insert into the hour table lands in the old table after its copy; migrations run with ingest
-- stopped, and 0069 starts the view again on the new table.
DROP VIEW IF EXISTS usage_user_models_1d_mv
