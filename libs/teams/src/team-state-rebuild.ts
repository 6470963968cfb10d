import type { DataSource } from 'typeorm';
import type { TeamEvent } from './team-event-store';

/** The state the team events determine, in comparable form. */
export interface TeamState {
  memberships: Record<string, string>; // team/user → role
  seats: Record<string, string>; // seat → holder
  invitations: Record<string, string>; // invitation → status
  teamKeys: Record<string, string>; // team API key → status
  plans: Record<string, number>; // plan → seats
  quotas: Record<string, number>; // team/subject/unit/period → limit
}

/** A quota's subject is a member, a key or (neither in the payload) the team itself. */
const quotaKey = (teamId: string, p: Record<string, string | null>) =>
  `${teamId}/${p.userId ?? p.apiKeyId ?? teamId}/${p.unit}/${p.period}`;

const empty = (): TeamState => ({ memberships: {}, seats: {}, invitations: {}, teamKeys: {}, plans: {}, quotas: {} });

/** Replays events (in per-team sequence order) into a fresh state: the state tables are a projection of these. */
export function replayTeamEvents(events: Array<Pick<TeamEvent, 'teamId' | 'type' | 'actorId' | 'payload'>>): TeamState {
  const s = empty();
  const release = (teamId: string, userId: string, keyOwners: Map<string, string>) => {
    delete s.memberships[`${teamId}/${userId}`];
    for (const [seat, holder] of Object.entries(s.seats)) {
      if (holder === `${teamId}/${userId}`) delete s.seats[seat];
    }
    for (const [key, owner] of keyOwners) if (owner === `${teamId}/${userId}`) s.teamKeys[key] = 'REVOKED';
  };
  const keyOwners = new Map<string, string>();
  for (const e of events) {
    // payload fields by event type (team-event-store): ids, roles and units are text, seats and limits numbers
    const p = e.payload as Record<string, string>;
    const t = e.teamId;
    switch (e.type) {
      case 'TeamCreated':
        s.memberships[`${t}/${p.ownerId}`] = 'OWNER';
        break;
      case 'MemberInvited':
        s.invitations[p.invitationId] = 'PENDING';
        break;
      case 'InvitationAccepted':
        s.invitations[p.invitationId] = 'ACCEPTED';
        s.memberships[`${t}/${p.userId}`] = p.role;
        break;
      case 'InvitationRevoked':
        s.invitations[p.invitationId] = 'REVOKED';
        break;
      case 'RoleChanged':
        s.memberships[`${t}/${p.userId}`] = p.to;
        break;
      case 'OwnershipTransferred':
        s.memberships[`${t}/${p.from}`] = 'ADMIN';
        s.memberships[`${t}/${p.to}`] = 'OWNER';
        break;
      case 'MemberLeft':
      case 'MemberRemoved':
        release(t, p.userId, keyOwners);
        break;
      case 'PlanCreated':
      case 'PlanRenewed':
        s.plans[p.planId] = Number(p.seats);
        break;
      case 'SeatAssigned':
        s.seats[p.seatId] = `${t}/${p.userId}`;
        break;
      case 'SeatReclaimed':
        delete s.seats[p.seatId];
        for (const [key, owner] of keyOwners) {
          if (owner === `${t}/${p.userId}`) s.teamKeys[key] = 'REVOKED';
        }
        break;
      case 'ApiKeyCreated':
        keyOwners.set(p.apiKeyId, `${t}/${p.userId}`);
        s.teamKeys[p.apiKeyId] = 'ACTIVE';
        break;
      case 'ApiKeyRevoked':
        s.teamKeys[p.apiKeyId] = 'REVOKED';
        break;
      case 'ApiKeySuspended':
        s.teamKeys[p.apiKeyId] = 'SUSPENDED';
        break;
      case 'ApiKeyResumed':
        s.teamKeys[p.apiKeyId] = 'ACTIVE';
        break;
      case 'QuotaSet':
        s.quotas[quotaKey(t, p)] = Number(p.limit);
        break;
      case 'QuotaDeleted':
        delete s.quotas[quotaKey(t, p)];
        break;
    }
  }
  return s;
}

type Row = Record<string, string>;

export async function readLiveState(postgres: DataSource): Promise<TeamState> {
  const s = empty();
  const rows = (sql: string) => postgres.query<Row[]>(sql);
  for (const r of await rows('SELECT team_id, user_id, role FROM memberships')) {
    s.memberships[`${r.team_id}/${r.user_id}`] = r.role;
  }
  for (const r of await rows('SELECT id, team_id, user_id FROM seats WHERE user_id IS NOT NULL')) {
    s.seats[r.id] = `${r.team_id}/${r.user_id}`;
  }
  for (const r of await rows('SELECT id, status FROM invitations')) s.invitations[r.id] = r.status;
  for (const r of await rows('SELECT id, status FROM api_keys WHERE team_id IS NOT NULL')) s.teamKeys[r.id] = r.status;
  for (const r of await rows('SELECT id, seats FROM plans')) s.plans[r.id] = Number(r.seats);
  const quotas = 'SELECT team_id, coalesce(user_id, api_key_id, team_id) AS subject, unit, period, "limit" FROM quotas';
  for (const r of await rows(quotas)) s.quotas[`${r.team_id}/${r.subject}/${r.unit}/${r.period}`] = Number(r.limit);
  return s;
}

interface EventRow {
  team_id: string;
  type: TeamEvent['type'];
  actor_id: string;
  payload: Record<string, unknown>;
}

export interface RebuildReport {
  events: number;
  differences: string[];
}

/** Replays every team event and lists where the live state tables differ from the replay. */
export async function rebuildAndCompare(postgres: DataSource): Promise<RebuildReport> {
  const rows = await postgres.query<EventRow[]>(
    'SELECT team_id, type, actor_id, payload FROM team_events ORDER BY team_id, seq',
  );
  const replayed = replayTeamEvents(
    rows.map((r) => ({ teamId: r.team_id, type: r.type, actorId: r.actor_id, payload: r.payload })),
  );
  const live = await readLiveState(postgres);
  const differences: string[] = [];
  for (const table of Object.keys(live) as Array<keyof TeamState>) {
    const keys = new Set([...Object.keys(live[table]), ...Object.keys(replayed[table])]);
    for (const k of keys) {
      if (live[table][k] === replayed[table][k]) continue;
      differences.push(
        `${table} ${k}: live ${JSON.stringify(live[table][k])}, replayed ${JSON.stringify(replayed[table][k])}`,
      );
    }
  }
  return { events: rows.length, differences };
}
