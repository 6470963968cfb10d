-- `team_events`: the team domain events (joins, leaves, role changes, ...) for ad hoc SQL,
-- repeats of one (team_id, seq) collapsed by FINAL, so counts are exact.
CREATE VIEW IF NOT EXISTS team_events AS
SELECT team_id, seq, type, actor_id, user_id, role, payload, occurred_at
FROM membership_events FINAL
