import { ForbiddenError } from '@app/auth';
import type { ClickHouseGateway, QueryParams } from '@app/clickhouse';
import { BadUserInputError } from '@app/errors';
import { AstNode, parseExplainAst, walk } from './sql-ast';
import { isSqlRelation, relationsOf, SqlRelation, SqlScope } from './sql-relations';

// node types named *Query that belong to a SELECT (its FROM list is TablesInSelectQuery)
const SELECT_NODES = new Set([
  'SelectWithUnionQuery',
  'SelectQuery',
  'SelectIntersectExceptQuery',
  'TablesInSelectQuery',
]);
const IN_FUNCTIONS = new Set(['in', 'notIn', 'globalIn', 'globalNotIn', 'nullIn', 'notNullIn', 'globalNullIn']);

// functions that wait, read files, other servers, settings, dictionaries or other tables' metadata,
// or tell about the host; table functions are refused by position (any function in FROM)
const DENIED_FUNCTIONS = new Set([
  'sleep',
  'sleepEachRow',
  'file',
  'url',
  's3',
  'hdfs',
  'remote',
  'remoteSecure',
  'cluster',
  'clusterAllReplicas',
  'input',
  'executable',
  'numbers',
  'numbers_mt',
  'zeros',
  'zeros_mt',
  'generateRandom',
  'generateSeries',
  'generate_series',
  'joinGet',
  'joinGetOrNull',
  'getSetting',
  'getSettingOrDefault',
  'getServerSetting',
  'getMacro',
  'hasColumnInTable',
  'hostName',
  'hostname',
  'fqdn',
  'FQDN',
  'getClientHTTPHeader',
  'addressToLine',
  'addressToLineWithInlines',
  'addressToSymbol',
  'demangle',
  'trap',
  'catboostEvaluate',
  'modelEvaluate',
  'evalMLMethod',
  'getOSKernelVersion',
]);
const DENIED_PREFIXES = ['dict', 'filesystem', 'mysql', 'postgresql', 'odbc', 'jdbc'];
// compared in lower case: the engine knows some names in any case, and a refusal costs nothing
const DENIED_LOWER = new Set([...DENIED_FUNCTIONS].map((f) => f.toLowerCase()));

export interface CheckedSql {
  /** The engine's own rendering of the one statement: what was checked is what runs. */
  formatted: string;
  relations: SqlRelation[];
}

/**
 * Decides on the engine's parse tree whether a caller's SQL may run: exactly one SELECT (WITH,
 * UNION, INTERSECT allowed) reading only the documented relations of the caller's scope, no
 * table functions, no settings, no FORMAT or INTO OUTFILE, no function of the deny list.
 */
export class SqlChecker {
  private namesCache?: { at: number; names: Promise<Set<string>> };

  constructor(private readonly clickhouse: ClickHouseGateway) {}

  async check(query: string, params: QueryParams, scope: SqlScope): Promise<CheckedSql> {
    const formatted = await this.format(query);
    // inside a subquery, FORMAT and INTO OUTFILE are syntax errors and a statement other than a
    // SELECT does not parse; the wrapper is what runs, too
    const lines = await this.engineRefusal(() =>
      this.clickhouse.query<{ explain: string } | string>(`EXPLAIN AST ${wrap(formatted)}`, { params }),
    );
    // the embedded engine hands a one-column answer back as bare strings, a server as objects
    const root = parseExplainAst(lines.map((l) => (typeof l === 'string' ? l : l.explain)));
    return { formatted, relations: await this.checkTree(root, scope) };
  }

  /** The engine's rendering of exactly one statement (a second one is an error), comments dropped. */
  format(query: string): Promise<string> {
    return this.engineRefusal(async () => {
      const [row] = await this.clickhouse.query<{ f: string }>('SELECT formatQuery({q:String}) AS f', {
        params: { q: query },
      });
      return row.f;
    });
  }

  private async checkTree(root: AstNode, scope: SqlScope): Promise<SqlRelation[]> {
    const allowed = relationsOf(scope.kind);
    const internal = await this.databaseNames();
    const used = new Set<SqlRelation>();
    const relation = (reference: string): void => {
      const dot = reference.indexOf('.');
      const database = dot < 0 ? undefined : reference.slice(0, dot);
      const name = dot < 0 ? reference : reference.slice(dot + 1);
      if (database !== undefined && database !== this.clickhouse.database)
        throw new ForbiddenError(`${reference}: only the documented relations can be read`);
      if (isSqlRelation(name)) {
        if (!allowed.includes(name)) throw new ForbiddenError(`${name}: not readable in your scope`);
        used.add(name);
        return;
      }
      // an unqualified name that is no table of the database can only be a CTE of the query
      if (database !== undefined || internal.has(name))
        throw new ForbiddenError(`${reference}: only the documented relations can be read`);
    };
    for (const node of walk(root)) {
      if (node.type === 'Set') throw new BadUserInputError('SETTINGS are chosen by the service');
      if (node.type.endsWith('Query') && !SELECT_NODES.has(node.type))
        throw new BadUserInputError(`only SELECT statements run here, not ${node.type}`);
      if (node.type === 'TableIdentifier') relation(node.name);
      if (node.type !== 'Function') continue;
      if (node.parent?.type === 'TableExpression')
        throw new ForbiddenError(`${node.name}: table functions are not allowed`);
      const lower = node.name.toLowerCase();
      if (DENIED_LOWER.has(lower) || DENIED_PREFIXES.some((p) => lower.startsWith(p)))
        throw new ForbiddenError(`${node.name}: not allowed in ad hoc SQL`);
      const set = IN_FUNCTIONS.has(node.name) ? node.children[0]?.children[1] : undefined;
      // `x IN name` reads a table by name; a CTE's name is fine, a relation is written as a subquery
      if (set?.type === 'Identifier') {
        if (isSqlRelation(set.name))
          throw new BadUserInputError(`IN ${set.name}: write IN (SELECT … FROM ${set.name})`);
        if (internal.has(set.name) || set.name.includes('.'))
          throw new ForbiddenError(`${set.name}: only the documented relations can be read`);
      }
    }
    return [...used];
  }

  /** Tables, views and dictionaries of the service's database, refreshed every minute. */
  private databaseNames(): Promise<Set<string>> {
    const now = Date.now();
    if (!this.namesCache || now - this.namesCache.at > 60_000) {
      const names = this.clickhouse
        .query<{ name: string }>('SELECT name FROM system.tables WHERE database = {db:String}', {
          params: { db: this.clickhouse.database },
        })
        .then((rows) => new Set(rows.map((r) => r.name)));
      this.namesCache = { at: now, names };
      names.catch(() => (this.namesCache = undefined));
    }
    return this.namesCache.names;
  }

  private async engineRefusal<T>(parse: () => Promise<T>): Promise<T> {
    try {
      return await parse();
    } catch (error) {
      // the engine's refusal to parse is the caller's; anything else is ours
      if (engineCode(error) === undefined) throw error;
      throw new BadUserInputError(`not one valid SELECT: ${engineMessage(error)}`);
    }
  }
}

/** The caller's statement as a subquery of the service's own SELECT. */
export function wrap(formatted: string): string {
  return `SELECT * FROM (\n${formatted}\n)`;
}

export function engineMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').slice(0, 500);
}

/** The engine's error name (SYNTAX_ERROR, TIMEOUT_EXCEEDED, ...), when the error is the engine's. */
export function engineCode(error: unknown): string | undefined {
  const type = (error as { type?: unknown }).type;
  if (typeof type === 'string' && type) return type;
  return /\(([A-Z][A-Z_]+)\)\s*$/.exec(error instanceof Error ? error.message.trim() : '')?.[1];
}
