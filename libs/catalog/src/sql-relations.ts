import { ADJUSTED_MONEY_COLUMNS, COST_ADJUSTMENTS } from './adjustments';
import { DIMENSIONS } from './dimensions';
import { LATENCY_QUANTILES, measureRecord, SUMMED_COLUMNS, SummedColumn } from './measures';
import { MEMBERSHIP_EVENTS } from './support-tables';
import { GRAIN_COLUMN, RAW_TABLE, rawColumns, rollupTable, RollupTableName } from './tables';
import { UsageDimension } from './usage-enums';

/**
 * A view of the catalogue's tables under a stable name, for ad hoc SQL (POST /v1/sql): saved
 * queries name these, so the raw and rollup tables can change under them. Each has a team_id
 * column, by which the SQL runner scopes a team's reads. `why` becomes its comment in the DDL.
 */
export interface SqlRelationView {
  readonly name: string;
  readonly why: string;
  readonly columns: readonly string[];
  readonly from: string;
  readonly groupBy?: readonly string[];
}

/** Summed measures the SQL relations show (a measure can be left out: `hiddenFromSql`). */
function shownMeasures(): SummedColumn[] {
  return SUMMED_COLUMNS.filter((m) => !measureRecord(m).hiddenFromSql);
}

/** total_tokens follows cache_write_tokens, as it did when the relations were first written. */
function withTotalTokens(columns: string[], names: readonly string[], totalTokens: string): string[] {
  const at = names.indexOf('cache_write_tokens') + 1;
  return [...columns.slice(0, at), `${totalTokens} AS total_tokens`, ...columns.slice(at)];
}

function callsView(): SqlRelationView {
  const shown = rawColumns().filter((c) => !c.hiddenFromSql);
  const names = shown.map((c) => c.name);
  // an amount is the stored one plus what repricing runs changed on the event (qualified: no cyclic alias)
  const columns = names.map((c) =>
    ADJUSTED_MONEY_COLUMNS.includes(c) ? `${RAW_TABLE.name}.${c} + repriced.${c}_delta AS ${c}` : c,
  );
  const deltas = ADJUSTED_MONEY_COLUMNS.filter((c) => names.includes(c)).map((c) => `sum(${c}) AS ${c}_delta`);
  return {
    name: 'calls',
    why:
      '`calls`: the raw call events under stable names for ad hoc SQL (POST /v1/sql, `sql` query). Internal ' +
      'columns (Kafka position, price id, ingest time) stay out, so the raw table can change without breaking ' +
      'saved queries. Team scope is applied to this view by name (additional_table_filters), so every column a ' +
      'team may not see must stay out of it. Amounts include repricing (cost_adjustments by event).',
    columns: withTotalTokens(columns, names, 'toUInt64(input_tokens) + output_tokens'),
    from: [
      `${RAW_TABLE.name} LEFT JOIN (`,
      '    SELECT',
      ['        event_id', ...deltas.map((d) => `        ${d}`)].join(',\n'),
      `    FROM ${COST_ADJUSTMENTS.name}`,
      '    GROUP BY event_id',
      ') AS repriced USING (event_id)',
    ].join('\n'),
  };
}

const USAGE_DIMENSIONS = [
  UsageDimension.TEAM,
  UsageDimension.SERVICE,
  UsageDimension.MODEL,
  UsageDimension.MODEL_TYPE,
  UsageDimension.SOURCE,
];

function usageView(name: string, rollup: RollupTableName): SqlRelationView {
  const table = rollupTable(rollup);
  const time = GRAIN_COLUMN[table.grain].column;
  const dimensions = DIMENSIONS.filter((d) => USAGE_DIMENSIONS.includes(d.dimension)).map((d) => d.column);
  const measures = shownMeasures();
  const sums = withTotalTokens(
    measures.map((m) => `sum(${m}) AS ${m}`),
    measures,
    'input_tokens + output_tokens',
  );
  return {
    name,
    why:
      `\`${name}\`: finalised per-${time} usage by team, service, model, model type and source for ad hoc SQL, ` +
      `read from ${rollup} (its partial aggregates merged here, so callers sum plain numbers). Filter on ` +
      `\`${time}\` first: the rollup is sorted by time before team.`,
    columns: [
      time,
      ...dimensions,
      ...sums,
      `quantilesTDigestMerge(${LATENCY_QUANTILES})(latency) AS latency_quantiles`,
      'latency_quantiles[1] AS latency_p50_ms',
      'latency_quantiles[2] AS latency_p95_ms',
      'latency_quantiles[3] AS latency_p99_ms',
    ],
    from: rollup,
    groupBy: [time, ...dimensions],
  };
}

/** The SQL relations, in the order they were first created (schemas/clickhouse/0200-0204). */
export function sqlRelationViews(): SqlRelationView[] {
  return [
    callsView(),
    usageView('usage_minutely', 'usage_team_1m'),
    usageView('usage_hourly', 'usage_team_1h'),
    usageView('usage_daily', 'usage_detail_1d'),
    {
      name: 'team_events',
      why:
        '`team_events`: the team domain events (joins, leaves, role changes, ...) for ad hoc SQL, repeats of ' +
        'one (team_id, seq) collapsed by FINAL, so counts are exact.',
      columns: MEMBERSHIP_EVENTS.columns.map((c) => c.name),
      from: `${MEMBERSHIP_EVENTS.name} FINAL`,
    },
  ];
}

/** The relations that show a measure's column: created again when it is added. */
export function sqlRelationsShowing(column: SummedColumn): SqlRelationView[] {
  return sqlRelationViews().filter((v) => v.columns.some((c) => c === column || c.endsWith(` AS ${column}`)));
}
