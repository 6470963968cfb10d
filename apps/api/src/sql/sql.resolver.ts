import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Expensive, ForbiddenError, Principal, RequirePlatformRole } from '@app/auth';
import type { QueryParams } from '@app/clickhouse';
import { BadUserInputError, NotFoundError } from '@app/errors';
import { assertUuid, toUser, UserType } from '@app/teams';
import { JsonScalar } from './json.scalar';
import { SqlRunner } from './sql-runner';
import { SavedQueryRow, SqlAuditRow, SqlStore } from './sql-store';
import { SavedQueryType, SqlAuditConnectionType, SqlAuditEntryType, SqlResultType } from './sql.types';

interface RequestContext {
  req: object;
}

const savedQuery = (r: SavedQueryRow): Omit<SavedQueryType, 'owner'> => ({
  id: r.id,
  name: r.name,
  sql: r.sql,
  teamId: r.team_id,
  shared: r.shared,
  ownerId: r.owner_id,
});

const auditEntry = (r: SqlAuditRow): SqlAuditEntryType => ({
  id: r.id,
  userId: r.user_id,
  at: r.at,
  query: r.query,
  querySha256: r.query_sha256,
  scope: r.scope,
  teamId: r.team_id,
  savedQueryId: r.saved_query_id,
  rowsRead: Number(r.rows_read),
  bytesRead: Number(r.bytes_read),
  elapsedMs: r.elapsed_ms,
  outcome: r.outcome,
  errorCode: r.error_code,
});

/** Ad hoc SQL over GraphQL: the same runner, checks and audit as POST /v1/sql. */
@Resolver(() => SavedQueryType)
export class SqlResolver {
  constructor(
    private readonly runner: SqlRunner,
    private readonly store: SqlStore,
  ) {}

  @Query(() => SqlResultType)
  @Expensive(5)
  sql(
    @CurrentPrincipal() principal: Principal,
    @Context() context: RequestContext,
    @Args('query') query: string,
    @Args('params', { type: () => JsonScalar, nullable: true }) params?: QueryParams,
    @Args('teamId', { type: () => ID, nullable: true }) teamId?: string,
    @Args('maxRows', { type: () => Int, nullable: true, defaultValue: 1000 }) maxRows?: number,
  ): Promise<SqlResultType> {
    return this.runner.run(principal, context.req, { query, params, teamId, maxRows });
  }

  @Mutation(() => SavedQueryType)
  async saveQuery(
    @CurrentPrincipal() principal: Principal,
    @Args('name') name: string,
    @Args('sql') sql: string,
    @Args('teamId', { type: () => ID, nullable: true }) teamId?: string,
    @Args('shared', { type: () => Boolean, nullable: true, defaultValue: false }) shared?: boolean,
  ): Promise<Omit<SavedQueryType, 'owner'>> {
    if (!name.trim()) throw new BadUserInputError('name: not empty');
    if (shared && !teamId) throw new BadUserInputError('shared: a query is shared within a team (teamId)');
    // saved only where the caller may run SQL, and only a statement that parses
    await this.runner.checkSaved(principal, sql, teamId ?? null);
    const ownerId = userIdOf(principal);
    return savedQuery(await this.store.saveQuery({ name, sql, teamId: teamId ?? null, shared: !!shared, ownerId }));
  }

  @Query(() => [SavedQueryType], { description: 'mine (of the team, when given) and those shared in the team' })
  async savedQueries(
    @CurrentPrincipal() principal: Principal,
    @Args('teamId', { type: () => ID, nullable: true }) teamId?: string,
  ): Promise<Omit<SavedQueryType, 'owner'>[]> {
    if (teamId != null) assertUuid(teamId, 'teamId');
    // the SavedQuery rule drops shared ones of a team the caller does not manage
    return (await this.store.savedQueries(userIdOf(principal), teamId ?? null)).map(savedQuery);
  }

  @Mutation(() => SqlResultType)
  @Expensive(5)
  async runSavedQuery(
    @CurrentPrincipal() principal: Principal,
    @Context() context: RequestContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('params', { type: () => JsonScalar, nullable: true }) params?: QueryParams,
  ): Promise<SqlResultType> {
    assertUuid(id, 'id');
    const saved = await this.store.savedQuery(id);
    const mine = saved?.owner_id === userIdOf(principal);
    if (!saved || (!mine && !saved.shared)) throw new NotFoundError('no such saved query');
    // a shared query runs in the caller's own scope for its team, checked again like any other
    return this.runner.run(principal, context.req, {
      query: saved.sql,
      params,
      teamId: saved.team_id,
      savedQueryId: id,
    });
  }

  @Query(() => SqlAuditConnectionType)
  @RequirePlatformRole('ADMIN', 'SRE')
  async sqlAudit(
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<SqlAuditConnectionType> {
    if (first === null || first < 1 || first > 500) throw new BadUserInputError('first: 1 to 500');
    if (after !== undefined && after !== null && !/^\d{1,18}$/.test(after))
      throw new BadUserInputError('after: a cursor');
    const rows = await this.store.auditPage(first + 1, after ?? undefined);
    const page = rows.slice(0, first).map(auditEntry);
    return {
      edges: page.map((node) => ({ cursor: node.id, node })),
      pageInfo: { hasNextPage: rows.length > first, endCursor: page.at(-1)?.id ?? null },
    };
  }

  @ResolveField(() => UserType)
  async owner(@Parent() query: SavedQueryType): Promise<UserType> {
    const user = await this.store.user(query.ownerId);
    if (!user) throw new NotFoundError('the owner of this query is gone');
    return toUser(user);
  }
}

function userIdOf(principal: Principal | undefined): string {
  if (principal?.kind !== 'user') throw new ForbiddenError('saved queries need a personal access token');
  return principal.userId;
}
