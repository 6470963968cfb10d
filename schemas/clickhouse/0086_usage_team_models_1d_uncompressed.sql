-- Key and sum columns uncompressed, as usage_key_1d at 0080.
ALTER TABLE usage_team_models_1d
    MODIFY COLUMN day CODEC(NONE),
    MODIFY COLUMN team_id CODEC(NONE),
    MODIFY COLUMN model CODEC(NONE),
    MODIFY COLUMN requests CODEC(NONE)
