import type { BoundSql } from '@app/analytics';

/** The team events that explain a change of traffic, cost or errors. */
export const NOTED_EVENT_TYPES = [
  'ApiKeyCreated',
  'ApiKeyRevoked',
  'ApiKeySuspended',
  'ApiKeyResumed',
  'RoleChanged',
  'QuotaSet',
  'QuotaDeleted',
  'SeatReclaimed',
  'MemberLeft',
  'MemberRemoved',
  'OwnershipTransferred',
] as const;

/** At most this many events per read: a window of a few hours of a few teams holds far fewer. */
const NOTE_LIMIT = 5_000;

export interface TeamEventRow {
  team: string;
  type: string;
  payload: string;
  at: number | string;
}

/**
 * The noted events of some teams within [from, to), from the `team_events` relation (the team
 * event stream sunk into ClickHouse, one row per (team, seq)), oldest first.
 */
export class TeamEventNotesRead {
  constructor(
    readonly teamIds: readonly string[],
    readonly from: number,
    readonly to: number,
  ) {}

  toSQL(): BoundSql {
    return {
      sql:
        // aliases differ from the columns: an alias named as a column would stand for it in WHERE
        'SELECT toString(team_id) AS team, type, payload, toUnixTimestamp64Milli(occurred_at) AS at ' +
        'FROM team_events WHERE team_id IN {teamIds:Array(UUID)} AND type IN {types:Array(String)} ' +
        'AND occurred_at >= fromUnixTimestamp64Milli({from:Int64}) ' +
        'AND occurred_at < fromUnixTimestamp64Milli({to:Int64}) ' +
        'ORDER BY team_id, occurred_at, seq LIMIT {limit:UInt32}',
      params: {
        teamIds: this.teamIds,
        types: NOTED_EVENT_TYPES,
        from: this.from,
        to: this.to,
        limit: NOTE_LIMIT,
      },
    };
  }
}

const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '?');

/** One line saying what happened, from the event's own payload (ids, never secrets: payloads hold none). */
export function summarizeTeamEvent(type: string, payload: string): string {
  let p: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(payload);
    if (parsed && typeof parsed === 'object') p = parsed as Record<string, unknown>;
  } catch {
    // an unreadable payload still says which event it was
  }
  switch (type) {
    case 'ApiKeyCreated':
      return `API key ${text(p.apiKeyId)} created${p.name ? ` (${text(p.name)})` : ''}`;
    case 'ApiKeyRevoked':
      return `API key ${text(p.apiKeyId)} revoked`;
    case 'ApiKeySuspended':
      return `API key ${text(p.apiKeyId)} suspended`;
    case 'ApiKeyResumed':
      return `API key ${text(p.apiKeyId)} resumed`;
    case 'RoleChanged':
      return `role of user ${text(p.userId)} changed from ${text(p.from)} to ${text(p.to)}`;
    case 'QuotaSet':
    case 'QuotaDeleted': {
      const on = p.apiKeyId ? `key ${text(p.apiKeyId)}` : p.userId ? `user ${text(p.userId)}` : 'the team';
      return `quota ${type === 'QuotaSet' ? 'set' : 'deleted'} on ${on}`;
    }
    case 'SeatReclaimed':
      return `seat of user ${text(p.userId)} reclaimed (their keys revoked)`;
    case 'MemberLeft':
      return `user ${text(p.userId)} left (their keys revoked)`;
    case 'MemberRemoved':
      return `user ${text(p.userId)} removed (their keys revoked)`;
    case 'OwnershipTransferred':
      return `ownership transferred to user ${text(p.to)}`;
    default:
      return type;
  }
}
