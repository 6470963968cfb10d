/** Who is asking, as far as ad hoc SQL is concerned (see the README's "Ad hoc SQL"). */
export type SqlScopeKind = 'PLATFORM' | 'FINANCE' | 'TEAM';

export interface SqlScope {
  kind: SqlScopeKind;
  /** Set: every allowed relation is filtered to this team by the engine. */
  teamId?: string;
}

/** The documented relations (views of schemas/clickhouse/0200-0204), each with a team_id column. */
export const SQL_RELATIONS = ['calls', 'usage_minutely', 'usage_hourly', 'usage_daily', 'team_events'] as const;
export type SqlRelation = (typeof SQL_RELATIONS)[number];

const USAGE_RELATIONS: readonly SqlRelation[] = ['usage_minutely', 'usage_hourly', 'usage_daily'];

/**
 * FINANCE reconciles usage and cost across teams, which the usage relations hold in full; a call's
 * own row (who sent what prompt size when) and the membership history are not finance's business.
 */
export function relationsOf(kind: SqlScopeKind): readonly SqlRelation[] {
  return kind === 'FINANCE' ? USAGE_RELATIONS : SQL_RELATIONS;
}

export function isSqlRelation(name: string): name is SqlRelation {
  return (SQL_RELATIONS as readonly string[]).includes(name);
}
