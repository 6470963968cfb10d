-- `team_events`: the team domain events (joins, leaves, role changes, ...) for ad hoc SQL,
-- repeats of one (team_id, seq) collapsed, so counts are exact without FINAL.
CREATE VIEW IF NOT EXISTS team_events AS
SELECT
    team_id,
    seq,
    argMax(type, occurred_at) AS type,
    argMax(actor_id, occurred_at) AS actor_id,
    argMax(user_id, occurred_at) AS user_id,
    argMax(role, occurred_at) AS role,
    argMax(payload, occurred_at) AS payload,
    max(occurred_at) AS occurred_at
FROM membership_events
GROUP BY team_id, seq
