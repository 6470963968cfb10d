-- Key and sum columns uncompressed, as usage_key_1d at 0080.
ALTER TABLE usage_team_totals_1d
    MODIFY COLUMN day CODEC(NONE),
    MODIFY COLUMN team_id CODEC(NONE),
    MODIFY COLUMN source CODEC(NONE),
    MODIFY COLUMN requests CODEC(NONE),
    MODIFY COLUMN successes CODEC(NONE),
    MODIFY COLUMN errors CODEC(NONE),
    MODIFY COLUMN input_tokens CODEC(NONE),
    MODIFY COLUMN output_tokens CODEC(NONE),
    MODIFY COLUMN cache_read_tokens CODEC(NONE),
    MODIFY COLUMN cache_write_tokens CODEC(NONE),
    MODIFY COLUMN cost CODEC(NONE),
    MODIFY COLUMN credits CODEC(NONE)
