-- The rollups that dashboards read over whole ranges (days for 30-day rankings and breakdowns,
-- hours for summaries and trends) keep their key and sum columns uncompressed. Those reads are
-- bounded by keys x days, so they are small, but each one decompressed every row it summed: LZ4
-- was 27% of the engine's CPU in a 30-day ranking of keys (perf, 10M events), and on a copy of
-- usage_key_1d without compression a ranking read took 7.1 ms instead of 11.0, a bars read 8.4
-- instead of 10.8, a read by user 9.5 instead of 14.1 (ZSTD(1): 18.6, 16.2, 23.9). The cost is
-- disk: 24.5 MiB instead of 7.2 for that copy. Aggregate states (latency, users) stay LZ4: they
-- are the large columns and their reads are dominated by merging. New parts take the codec at
-- once; the next migration rewrites the existing ones. The same for each table through 0097.
ALTER TABLE usage_key_1d
    MODIFY COLUMN day CODEC(NONE),
    MODIFY COLUMN team_id CODEC(NONE),
    MODIFY COLUMN user_id CODEC(NONE),
    MODIFY COLUMN api_key_id CODEC(NONE),
    MODIFY COLUMN service CODEC(NONE),
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
