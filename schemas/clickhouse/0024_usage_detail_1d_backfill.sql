-- The former day rollup's history into the new one, before its view exists (see 0011).
INSERT INTO usage_detail_1d SELECT * FROM usage_1d
