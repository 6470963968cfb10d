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
  /**
   * a detail of the call, whose raw column is declared with the event's other details (tables.ts),
   * not among the identity columns after occurred_at
   */
  readonly rawDetail?: true;
  /** the key computed from raw events, where the raw column is not the key as it is */
  readonly fromRaw?: string;
  /** several values per call (tags): a filter matches any of them, a grouping counts the call in each */
  readonly multiValued?: true;
}

export type DimensionFilterField =
  | 'teamIds'
  | 'userIds'
  | 'apiKeyIds'
  | 'services'
  | 'models'
  | 'modelTypes'
  | 'sources'
  | 'httpStatuses'
  | 'errorCodes'
  | 'tags';

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
  // nullable in raw events, a sentinel in rollup keys (a Nullable sort key slows every read): no HTTP
  // status is 0 (events carry 100-599), no error code is ''
  {
    dimension: UsageDimension.HTTP_STATUS,
    column: 'http_status',
    type: 'UInt16',
    filterField: 'httpStatuses',
    filterParamType: 'Array(UInt16)',
    labels: 'value',
    rawDetail: true,
    fromRaw: 'coalesce(http_status, 0)',
  },
  {
    dimension: UsageDimension.ERROR_CODE,
    column: 'error_code',
    type: 'LowCardinality(String)',
    filterField: 'errorCodes',
    filterParamType: 'Array(String)',
    labels: 'value',
    rawDetail: true,
    fromRaw: "toLowCardinality(coalesce(error_code, ''))",
  },
  // a rollup keeps a call's whole tag set, sorted (one row per set, the same set in any order): a filter
  // matches a call once however many of its tags it names
  {
    dimension: UsageDimension.TAG,
    column: 'tags',
    type: 'Array(String)',
    filterField: 'tags',
    filterParamType: 'Array(String)',
    labels: 'value',
    rawDetail: true,
    fromRaw: 'arraySort(tags)',
    multiValued: true,
  },
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

/**
 * A dimension's value in a read of raw events or of a rollup: raw events compute the rollup's
 * key (a multi-valued one is matched and split as it is: the order of its values does not matter).
 */
export function dimensionValue(record: DimensionRecord, rawEvents: boolean): string {
  return rawEvents && record.fromRaw && !record.multiValued ? record.fromRaw : record.column;
}
