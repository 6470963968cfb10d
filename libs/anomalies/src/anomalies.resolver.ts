import { Inject } from '@nestjs/common';
import { Args, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { resolveRange, UsageDimension, UsageFilterInput, UsageMetric } from '@app/analytics';
import { CurrentPrincipal, Expensive, ForbiddenError, Principal } from '@app/auth';
import { ClickHouseGateway } from '@app/clickhouse';
import { BadUserInputError } from '@app/errors';
import { DirectoryReader, MembershipReader } from '@app/teams';
import { AnomalyRow, AnomalyStore } from './anomaly.store';
import { AnomalyDirection, AnomalyType, TeamEventNoteType } from './anomaly.types';
import { summarizeTeamEvent, TeamEventNotesRead, TeamEventRow } from './query/team-event-notes';

const HOUR = 3_600_000;
/** incidents per answer, newest first */
const LIST_LIMIT = 500;
const STATUSES = new Set(['OPEN', 'RESOLVED']);
const UNSUPPORTED_FILTERS = ['userIds', 'services', 'modelTypes', 'sources', 'tags'] as const;

/**
 * `anomalies(filter, status)`: incidents overlapping the filter's range, newest first, narrowed by
 * its teamIds, apiKeyIds and models. Who sees which: platform ADMIN and SRE every incident; team
 * OWNERs and ADMINs their teams' (the team's and its keys'); anyone the incidents of their own
 * keys. Platform and model incidents span teams: platform staff only. The Anomaly rule checks
 * each object again wherever it is reached.
 */
@Resolver(() => AnomalyType)
export class AnomaliesResolver {
  constructor(
    private readonly store: AnomalyStore,
    private readonly memberships: MembershipReader,
    private readonly directory: DirectoryReader,
    @Inject(ClickHouseGateway) private readonly ch: ClickHouseGateway,
    @InjectDataSource() private readonly postgres: DataSource,
  ) {}

  @Query(() => [AnomalyType])
  @Expensive(1)
  async anomalies(
    @CurrentPrincipal() principal: Principal,
    @Args('filter') filter: UsageFilterInput,
    @Args('status', { type: () => String, nullable: true }) status?: string | null,
  ): Promise<AnomalyType[]> {
    if (principal?.kind !== 'user') throw new ForbiddenError('anomalies are read with a personal access token');
    if (status != null && !STATUSES.has(status)) throw new BadUserInputError('status: OPEN or RESOLVED');
    const unsupported: string[] = UNSUPPORTED_FILTERS.filter((f) => filter[f]?.length);
    if (unsupported.length) {
      throw new BadUserInputError(
        `filter: anomalies are narrowed by teamIds, apiKeyIds and models, not ${unsupported.join(', ')}`,
      );
    }
    const now = Date.now();
    const range = resolveRange(filter.range, now);
    const staff = principal.platformRoles.includes('ADMIN') || principal.platformRoles.includes('SRE');
    let readableBy: { managedTeamIds: string[]; userId: string } | undefined;
    if (!staff) {
      const roles = await this.memberships.rolesOf(principal.userId);
      const outsider = (filter.teamIds ?? []).find((t) => !roles.has(t));
      if (outsider) throw new ForbiddenError(`teamIds: ${outsider} is not a team of yours`);
      const managed = [...roles].filter(([, role]) => role !== 'MEMBER').map(([team]) => team);
      readableBy = { managedTeamIds: managed, userId: principal.userId };
    }
    const rows = await this.store.list({
      from: range.from,
      to: range.to,
      status: (status ?? undefined) as 'OPEN' | 'RESOLVED' | undefined,
      teamIds: filter.teamIds,
      apiKeyIds: filter.apiKeyIds,
      models: filter.models,
      readableBy,
      limit: LIST_LIMIT,
    });
    const labels = await this.labels(rows);
    let notes: Promise<Map<string, TeamEventNoteType[]>> | undefined;
    const notesOf = (row: AnomalyRow) => async () => {
      notes ??= this.notesFor(rows, now);
      return (await notes).get(row.id) ?? [];
    };
    return rows.map((r) => ({
      teamIdForAccess: r.team_id,
      ownerId: r.owner_id,
      notes: notesOf(r),
      id: r.id,
      metric: r.metric as UsageMetric,
      dimension: r.dimension as UsageDimension | null,
      key: r.series_key,
      label: r.series_key === null ? 'Platform' : (labels.get(`${r.dimension}:${r.series_key}`) ?? r.series_key),
      teamId: r.team_id,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      expected: r.expected,
      observed: r.observed,
      score: r.score,
      peak: r.peak_observed,
      peakScore: r.peak_score,
      direction: r.direction as AnomalyDirection,
      status: r.status,
    }));
  }

  @ResolveField(() => [TeamEventNoteType], {
    description: 'team events in the incident and the hour before it (keys, roles, quotas, seats), and price changes',
  })
  annotations(@Parent() anomaly: AnomalyType): Promise<TeamEventNoteType[]> {
    return anomaly.notes();
  }

  /** Team and key names, one directory read per kind. */
  private async labels(rows: AnomalyRow[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const idsOf = (dimension: string) => [
      ...new Set(rows.filter((r) => r.dimension === dimension).map((r) => r.series_key!)),
    ];
    for (const [dimension, kind] of [
      ['TEAM', 'teams'],
      ['API_KEY', 'apiKeys'],
    ] as const) {
      for (const entry of await this.directory.lookup(kind, idsOf(dimension))) {
        out.set(`${dimension}:${entry.id}`, entry.label);
      }
    }
    return out;
  }

  /**
   * Every listed incident's notes in one ClickHouse read (its team's events from an hour before
   * it started until it ended) and one Postgres read (model prices taking effect then, which move
   * cost for every team).
   */
  private async notesFor(rows: AnomalyRow[], now: number): Promise<Map<string, TeamEventNoteType[]>> {
    const out = new Map<string, TeamEventNoteType[]>();
    if (rows.length === 0) return out;
    const windowOf = (r: AnomalyRow) => ({ from: r.started_at.getTime() - HOUR, to: r.ended_at?.getTime() ?? now });
    const from = Math.min(...rows.map((r) => windowOf(r).from));
    const to = Math.max(...rows.map((r) => windowOf(r).to)) + 1;
    const teamIds = [...new Set(rows.map((r) => r.team_id).filter((t): t is string => t !== null))];
    const events: TeamEventRow[] = [];
    if (teamIds.length) {
      const { sql, params } = new TeamEventNotesRead(teamIds, from, to).toSQL();
      events.push(...(await this.ch.query<TeamEventRow>(sql, { params })));
    }
    const prices = await this.postgres.query<{ model: string; effective_from: Date }[]>(
      `SELECT model, effective_from FROM model_prices WHERE effective_from >= $1 AND effective_from < $2
       ORDER BY effective_from LIMIT 1000`,
      [new Date(from), new Date(to)],
    );
    for (const r of rows) {
      const w = windowOf(r);
      const notes: TeamEventNoteType[] = events
        .filter((e) => e.team === r.team_id && Number(e.at) >= w.from && Number(e.at) <= w.to)
        .map((e) => ({ at: new Date(Number(e.at)), type: e.type, summary: summarizeTeamEvent(e.type, e.payload) }));
      if (r.metric === 'COST') {
        for (const p of prices) {
          const at = p.effective_from.getTime();
          if (at < w.from || at > w.to || (r.dimension === 'MODEL' && r.series_key !== p.model)) continue;
          notes.push({ at: p.effective_from, type: 'PriceSet', summary: `price of ${p.model} changed` });
        }
      }
      out.set(
        r.id,
        notes.sort((a, b) => a.at.getTime() - b.at.getTime()),
      );
    }
    return out;
  }
}
