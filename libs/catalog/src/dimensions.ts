import { UsageDimension } from './usage-enums';

/**
 * The one registry of dimensions: the column that holds one (in raw events and in every rollup
 * that keeps it), its type, the filter field that restricts it and that field's parameter type,
 * and where its labels come from. Column order in every table follows this list.
 */
export interface DimensionRecord {
  readonly dimension: UsageDimension;
  readonly column: string;
  readonly type: string;
  /** the UsageFilterInput field that restricts this dimension */
  readonly filterField: DimensionFilterField;
  readonly filterParamType: string;
  /** where a group's display name comes from (Postgres entities, or the value itself) */
  readonly labels: 'team' | 'user' | 'apiKey' | 'value';
}

export type DimensionFilterField =
  'teamIds' | 'userIds' | 'apiKeyIds' | 'services' | 'models' | 'modelTypes' | 'sources';

const uuid = (
  dimension: UsageDimension,
  column: string,
  filterField: DimensionFilterField,
  labels: DimensionRecord['labels'],
) => ({ dimension, column, type: 'UUID', filterField, filterParamType: 'Array(UUID)', labels }) as const;
const text = (dimension: UsageDimension, column: string, filterField: DimensionFilterField) =>
  ({
    dimension,
    column,
    type: 'LowCardinality(String)',
    filterField,
    filterParamType: 'Array(String)',
    labels: 'value',
  }) as const;

export const DIMENSIONS: readonly DimensionRecord[] = [
  uuid(UsageDimension.TEAM, 'team_id', 'teamIds', 'team'),
  uuid(UsageDimension.USER, 'user_id', 'userIds', 'user'),
  uuid(UsageDimension.API_KEY, 'api_key_id', 'apiKeyIds', 'apiKey'),
  text(UsageDimension.SERVICE, 'service', 'services'),
  text(UsageDimension.MODEL, 'model', 'models'),
  text(UsageDimension.MODEL_TYPE, 'model_type', 'modelTypes'),
  // business or internal: who made the call, not where a read takes its rows from
  text(UsageDimension.SOURCE, 'source', 'sources'),
];

const BY_DIMENSION = new Map(DIMENSIONS.map((d) => [d.dimension, d]));

export function dimensionRecord(dimension: UsageDimension): DimensionRecord {
  const record = BY_DIMENSION.get(dimension);
  if (!record) throw new Error(`no catalog record for dimension ${dimension}`);
  return record;
}

export function dimensionColumn(dimension: UsageDimension): string {
  return dimensionRecord(dimension).column;
}
