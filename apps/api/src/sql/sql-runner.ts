import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ForbiddenError, hasPlatformRole, Principal, RateLimits } from '@app/auth';
import { ClickHouseGateway, QueryParams } from '@app/clickhouse';
import { BadUserInputError, DomainError, ErrorCode } from '@app/errors';
import { assertUuid, MembershipReader } from '@app/teams';
import { engineCode, engineMessage, SqlChecker, wrap } from './sql-checker';
import { SqlRelation, SqlScope } from './sql-relations';
import { SqlOutcome, SqlStore } from './sql-store';

export const SQL_DEFAULT_MAX_ROWS = 1000;
export const SQL_MAX_ROWS = 100_000;

/** The limits every ad hoc query runs under, in its own SETTINGS clause (see the README's "Ad hoc SQL"). */
export const SQL_LIMITS = {
  max_execution_time: 10,
  max_rows_to_read: 200_000_000,
  max_bytes_to_read: 20_000_000_000,
  max_memory_usage: 500_000_000,
  max_result_bytes: 200_000_000,
  // one core for ad hoc work: the service's own reads, ingest and /health keep the others
  max_threads: 1,
} as const;

// engine errors that mean a limit cut the query, not that it was wrong
const LIMIT_ERRORS = new Set([
  'TIMEOUT_EXCEEDED',
  'TOO_MANY_ROWS',
  'TOO_MANY_BYTES',
  'TOO_MANY_ROWS_OR_BYTES',
  'MEMORY_LIMIT_EXCEEDED',
  'TOO_SLOW',
  'QUERY_WAS_CANCELLED',
  'TOO_LARGE_ARRAY_SIZE',
  'ARGUMENT_OUT_OF_BOUND',
  'TOO_LARGE_STRING_SIZE',
]);

export interface SqlRequest {
  query: string;
  params?: QueryParams | null;
  teamId?: string | null;
  maxRows?: number | null;
  savedQueryId?: string;
}

export interface SqlAnswer {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  rowsRead: number;
  bytesRead: number;
  elapsedMs: number;
  truncated: boolean;
}

/**
 * Runs a caller's SQL on the service's own engine connection: scope from the caller's roles,
 * the statement checked on the engine's parse tree, team scope applied by the engine to every
 * read of a relation, limits in the query's own SETTINGS clause (nothing sticks to the session),
 * a concurrency cap, and an audit row for every run whatever its end.
 */
@Injectable()
export class SqlRunner {
  private readonly checker: SqlChecker;

  constructor(
    @Inject(ClickHouseGateway) private readonly clickhouse: ClickHouseGateway,
    private readonly memberships: MembershipReader,
    private readonly rateLimits: RateLimits,
    private readonly store: SqlStore,
  ) {
    this.checker = new SqlChecker(clickhouse);
  }

  /** SRE and ADMIN read everything, FINANCE the usage relations, a team's OWNER or ADMIN their team. */
  async scopeOf(principal: Principal | undefined, teamId?: string | null): Promise<SqlScope> {
    if (principal?.kind !== 'user') throw new ForbiddenError('SQL needs a personal access token');
    if (teamId != null) assertUuid(teamId, 'teamId');
    const team = teamId != null ? { teamId } : {};
    if (hasPlatformRole(principal, 'ADMIN', 'SRE')) return { kind: 'PLATFORM', ...team };
    if (hasPlatformRole(principal, 'FINANCE')) return { kind: 'FINANCE', ...team };
    if (teamId == null) throw new BadUserInputError('teamId: required (SQL is scoped to a team you manage)');
    const role = (await this.memberships.rolesOf(principal.userId)).get(teamId);
    if (role !== 'OWNER' && role !== 'ADMIN') throw new ForbiddenError('SQL on a team needs its OWNER or ADMIN role');
    return { kind: 'TEAM', teamId };
  }

  /**
   * Saving a query: the caller may run SQL there and the text is one statement. The full check
   * needs the parameters' values, so it runs at every run, in the scope of whoever runs it.
   */
  async checkSaved(principal: Principal | undefined, query: string, teamId: string | null): Promise<void> {
    await this.scopeOf(principal, teamId);
    await this.checker.format(query);
  }

  async run(principal: Principal | undefined, req: object, request: SqlRequest): Promise<SqlAnswer> {
    if (principal?.kind !== 'user') throw new ForbiddenError('SQL needs a personal access token');
    const started = performance.now();
    const audit: { rowsRead: number; bytesRead: number; outcome: SqlOutcome; errorCode: string | null } = {
      rowsRead: 0,
      bytesRead: 0,
      outcome: 'ERROR',
      errorCode: null,
    };
    let scope: SqlScope | undefined;
    try {
      const maxRows = request.maxRows ?? SQL_DEFAULT_MAX_ROWS;
      if (!Number.isInteger(maxRows) || maxRows < 1 || maxRows > SQL_MAX_ROWS)
        throw new BadUserInputError(`maxRows: 1 to ${SQL_MAX_ROWS}`);
      const params = checkedParams(request.params);
      scope = await this.scopeOf(principal, request.teamId);
      const release = this.rateLimits.acquireSqlSlot(req, principal);
      try {
        const checked = await this.checker.check(request.query, params, scope);
        const answer = await this.execute(checked.formatted, checked.relations, params, scope, maxRows);
        Object.assign(audit, { rowsRead: answer.rowsRead, bytesRead: answer.bytesRead, outcome: 'OK' });
        return { ...answer, elapsedMs: performance.now() - started };
      } finally {
        release();
      }
    } catch (error) {
      Object.assign(audit, outcomeOf(error));
      throw error;
    } finally {
      await this.store.audit({
        userId: principal.userId,
        // Postgres text holds no NUL
        query: request.query.replace(/\0/g, '\uFFFD'),
        querySha256: createHash('sha256').update(request.query).digest('hex'),
        scope: scope?.kind ?? 'TEAM',
        teamId: scope?.teamId ?? null,
        savedQueryId: request.savedQueryId ?? null,
        elapsedMs: performance.now() - started,
        ...audit,
      });
    }
  }

  private async execute(
    formatted: string,
    relations: SqlRelation[],
    params: QueryParams,
    scope: SqlScope,
    maxRows: number,
  ): Promise<Omit<SqlAnswer, 'elapsedMs'>> {
    const settings: string[] = Object.entries(SQL_LIMITS).map(([name, value]) => `${name} = ${value}`);
    settings.push(`max_result_rows = ${maxRows + 1}`, `result_overflow_mode = 'break'`);
    // exact decimals (cost, credits) and 64-bit integers as text rather than rounded JSON numbers
    settings.push('output_format_json_quote_decimals = 1', 'output_format_json_quote_64bit_integers = 1');
    if (scope.teamId && relations.length)
      settings.push(`additional_table_filters = ${teamFilters(relations, scope.teamId)}`);
    // last, so that it also forbids changing any setting after it
    settings.push('readonly = 1');
    const query = `${wrap(formatted)}\nLIMIT ${maxRows + 1}\nSETTINGS ${settings.join(', ')}`;
    try {
      const result = await this.clickhouse.queryTable(query, { params });
      const truncated = result.data.length > maxRows;
      return {
        columns: result.meta.map(({ name, type }) => ({ name, type })),
        rows: truncated ? result.data.slice(0, maxRows) : result.data,
        rowsRead: Number(result.statistics?.rows_read ?? 0),
        bytesRead: Number(result.statistics?.bytes_read ?? 0),
        truncated,
      };
    } catch (error) {
      const code = engineCode(error);
      if (code && LIMIT_ERRORS.has(code))
        throw new SqlEngineError(code, `cut by a limit: ${engineMessage(error)}`, 'QUERY_TOO_COMPLEX');
      throw new SqlEngineError(code, engineMessage(error), 'BAD_USER_INPUT');
    }
  }
}

/** An engine error answered to the caller: a limit (QUERY_TOO_COMPLEX) or a wrong query (BAD_USER_INPUT). */
class SqlEngineError extends DomainError {
  constructor(
    readonly engineCode: string | undefined,
    message: string,
    readonly code: ErrorCode,
  ) {
    super(message);
  }
}

/** How a failed run is audited: refused before the engine ran it, cut by a limit, or failed in the engine. */
function outcomeOf(error: unknown): { outcome: SqlOutcome; errorCode: string } {
  if (error instanceof SqlEngineError)
    return {
      outcome: error.code === 'QUERY_TOO_COMPLEX' ? 'LIMIT' : 'ERROR',
      errorCode: error.engineCode ?? error.code,
    };
  if (error instanceof DomainError) return { outcome: 'REFUSED', errorCode: error.code };
  return { outcome: 'ERROR', errorCode: 'INTERNAL_SERVER_ERROR' };
}

/** The team filter the engine adds to every read of each relation, wherever it sits in the query. */
function teamFilters(relations: SqlRelation[], teamId: string): string {
  assertUuid(teamId, 'teamId');
  const filter = `team_id = \\'${teamId}\\'`;
  return `{${relations.map((r) => `'${r}': '${filter}'`).join(', ')}}`;
}

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkedParams(params: QueryParams | null | undefined): QueryParams {
  if (params === null || params === undefined) return {};
  if (typeof params !== 'object' || Array.isArray(params)) throw new BadUserInputError('params: an object of values');
  for (const name of Object.keys(params)) {
    if (!PARAM_NAME.test(name)) throw new BadUserInputError(`params: ${JSON.stringify(name)} is not a parameter name`);
  }
  return params;
}
