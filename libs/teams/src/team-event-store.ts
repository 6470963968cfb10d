import type { EntityManager } from 'typeorm';

export type TeamEventType =
  | 'TeamCreated'
  | 'MemberInvited'
  | 'InvitationAccepted'
  | 'InvitationRevoked'
  | 'RoleChanged'
  | 'OwnershipTransferred'
  | 'MemberLeft'
  | 'MemberRemoved'
  | 'PlanCreated'
  | 'PlanRenewed'
  | 'SeatAssigned'
  | 'SeatReclaimed'
  | 'ApiKeyCreated'
  | 'ApiKeyRevoked'
  | 'ApiKeySuspended'
  | 'ApiKeyResumed'
  | 'QuotaSet'
  | 'QuotaDeleted';

export interface TeamEvent {
  teamId: string;
  seq: number;
  type: TeamEventType;
  actorId: string | null;
  payload: Record<string, unknown>;
  occurredAt: string;
}

/**
 * Appends a domain event to team_events with the team's next sequence number, and the same
 * event to the outbox, inside the caller's transaction (which holds the team row lock, so
 * sequence numbers cannot race).
 */
export async function appendTeamEvent(
  tx: EntityManager,
  topic: string,
  teamId: string,
  type: TeamEventType,
  actorId: string | null,
  payload: Record<string, unknown>,
): Promise<TeamEvent> {
  const [row] = await tx.query<Array<{ seq: number; occurred_at: Date }>>(
    `INSERT INTO team_events (team_id, seq, type, actor_id, payload)
     SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4 FROM team_events WHERE team_id = $1
     RETURNING seq, occurred_at`,
    [teamId, type, actorId, JSON.stringify(payload)],
  );
  const occurredAt = new Date(row.occurred_at).toISOString();
  const event: TeamEvent = { teamId, seq: row.seq, type, actorId, payload, occurredAt };
  await tx.query('INSERT INTO outbox (topic, key, payload) VALUES ($1, $2, $3)', [
    topic,
    teamId,
    JSON.stringify(event),
  ]);
  return event;
}
