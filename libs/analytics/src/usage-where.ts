import { UsageFilterInput } from './dto/usage-filter.input';
import { ResolvedRange } from './time-range';

export type Source = 'raw' | 'usage_1m';

/** Columns each source can filter on; anything else needs the raw table. */
const ROLLUP_1M_FILTERS = new Set(['teamIds', 'services', 'models', 'modelTypes', 'sources']);

const FILTER_COLUMNS: Record<string, { column: string; type: string }> = {
  teamIds: { column: 'team_id', type: 'Array(UUID)' },
  userIds: { column: 'user_id', type: 'Array(UUID)' },
  apiKeyIds: { column: 'api_key_id', type: 'Array(UUID)' },
  services: { column: 'service', type: 'Array(String)' },
  models: { column: 'model', type: 'Array(String)' },
  modelTypes: { column: 'model_type', type: 'Array(String)' },
  sources: { column: 'source', type: 'Array(String)' },
};

export interface WhereClause {
  sql: string;
  params: Record<string, unknown>;
}

function activeFilters(filter: UsageFilterInput): string[] {
  return [...Object.keys(FILTER_COLUMNS), 'tags'].filter((k) => {
    const v = (filter as unknown as Record<string, unknown[] | undefined>)[k];
    return Array.isArray(v) && v.length > 0;
  });
}

export function rollupCanFilter(filter: UsageFilterInput): boolean {
  return activeFilters(filter).every((k) => ROLLUP_1M_FILTERS.has(k));
}

/** A parameterised WHERE for the given source: values travel as query parameters only. */
export function buildWhere(filter: UsageFilterInput, range: ResolvedRange, source: Source): WhereClause {
  const params: Record<string, unknown> = {};
  const conditions: string[] = [];
  if (source === 'raw') {
    conditions.push('occurred_at >= {from:DateTime64(3)}', 'occurred_at < {to:DateTime64(3)}');
    params.from = range.from.getTime() / 1000;
    params.to = range.to.getTime() / 1000;
  } else {
    conditions.push('minute >= {from:DateTime}', 'minute < {to:DateTime}');
    params.from = Math.floor(range.from.getTime() / 1000);
    params.to = Math.ceil(range.to.getTime() / 1000);
  }
  for (const key of activeFilters(filter)) {
    const values = (filter as unknown as Record<string, unknown[]>)[key];
    if (key === 'tags') {
      conditions.push('hasAny(tags, {tags:Array(String)})');
      params.tags = values;
      continue;
    }
    const { column, type } = FILTER_COLUMNS[key];
    conditions.push(`${column} IN {${key}:${type}}`);
    params[key] = values;
  }
  return { sql: conditions.join(' AND '), params };
}
