import { download, gql } from '../api';
import { alignSeries, chart, updateChart } from '../chart';
import { h, replace } from '../dom';
import { formatCount } from '../format';
import { liveMode } from '../live';
import { granularityFor, kpi, messageArea, Page, RangeChoice, rangePicker, section, select, timeRange } from '../ui';

const CHOICES = `query Choices($team: ID!, $f: UsageFilter!) {
  team(id: $team) { apiKeys { id name last4 } }
  usageRanking(filter: $f, dimension: MODEL_TYPE, metric: REQUESTS, limit: 20) { key label } }`;

const SUMMARY_FIELDS = 'requests businessCalls internalCalls totalTokens inputTokens outputTokens';

const TREND = 'usageTrend(filter: $f, granularity: $g, metrics: [$m], splitBy: MODEL) { key label points { t value } }';

const STATS = `query Statistics($f: UsageFilter!, $g: Granularity!, $m: UsageMetric!) {
  usageSummary(filter: $f) { ${SUMMARY_FIELDS} } ${TREND} }`;

/** Live mode's read after a push: the summary came with the push. */
const TREND_ONLY = `query StatisticsLive($f: UsageFilter!, $g: Granularity!, $m: UsageMetric!) { ${TREND} }`;

const METRICS: Array<[string, string]> = [
  ['REQUESTS', 'Request volume'],
  ['TOTAL_TOKENS', 'Total tokens'],
  ['INPUT_TOKENS', 'Input tokens'],
  ['OUTPUT_TOKENS', 'Output tokens'],
];

const DEFAULT_RANGE: RangeChoice = { preset: 'LAST_7_DAYS' };

/** Seed 001: key, model type and period filters; KPI cards; trend by model; export. */
export const statisticsPage: Page = (ctx, root) => {
  if (!ctx.team) return void root.append(h('p', {}, 'Pick a team to see its usage statistics.'));
  const teamId = ctx.team.id;
  let choice: RangeChoice = DEFAULT_RANGE;
  let metric = 'REQUESTS';
  const message = messageArea();
  const filters = h('div', { class: 'filters' });
  const results = h('div', { id: 'statistics-results' });

  function filter(): Record<string, unknown> {
    const key = root.querySelector<HTMLSelectElement>('#stat-key')?.value;
    const type = root.querySelector<HTMLSelectElement>('#stat-type')?.value;
    return {
      range: timeRange(choice, ctx.timeZone),
      teamIds: [teamId],
      ...(key ? { apiKeyIds: [key] } : {}),
      ...(type ? { modelTypes: [type] } : {}),
    };
  }

  const kpis = h('div', { class: 'kpis' });
  const trend = h('div', { id: 'statistics-trend' });

  function showSummary(s: any): void {
    replace(
      kpis,
      kpi('requests', 'Cumulative model calls', formatCount(s.requests), s.requests),
      kpi('businessCalls', 'Service calls', formatCount(s.businessCalls), s.businessCalls),
      kpi('internalCalls', 'Internal infrastructure calls', formatCount(s.internalCalls), s.internalCalls),
      kpi('totalTokens', 'Total tokens', formatCount(s.totalTokens), s.totalTokens),
      kpi('inputTokens', 'Total input tokens', formatCount(s.inputTokens), s.inputTokens),
      kpi('outputTokens', 'Total output tokens', formatCount(s.outputTokens), s.outputTokens),
    );
  }

  function showTrend(d: any): void {
    const data = alignSeries(d.usageTrend.map((x: any) => ({ ...x, label: x.label ?? x.key ?? 'all' })));
    const options = {
      title: `${METRICS.find(([m]) => m === metric)![1]} by model (click a model to hide it)`,
      timeZone: ctx.timeZone,
    };
    const drawn = trend.querySelector<HTMLElement>('figure.chart');
    if (drawn) updateChart(drawn, data, options);
    else replace(trend, chart(data, options));
  }

  async function query(): Promise<void> {
    try {
      const d = await gql<any>(STATS, { f: filter(), g: granularityFor(choice), m: metric });
      showSummary(d.usageSummary);
      showTrend(d);
      if (!results.hasChildNodes())
        replace(
          results,
          kpis,
          section(
            'Usage trend',
            select('stat-metric', 'View', METRICS, metric, (m) => {
              metric = m;
              void query();
            }),
            trend,
          ),
        );
      live.follow();
    } catch (error) {
      message.show(error);
    }
  }

  // KPI cards from each push; the trend read again after it (see liveMode)
  const live = liveMode({
    fields: SUMMARY_FIELDS,
    filter,
    onSummary: showSummary,
    reread: async () => {
      try {
        showTrend(await gql<any>(TREND_ONLY, { f: filter(), g: granularityFor(choice), m: metric }));
      } catch (error) {
        message.show(error);
      }
    },
    onError: (e) => message.show(e),
  });

  async function exportCsv(): Promise<void> {
    const f = filter() as { range: Record<string, string>; apiKeyIds?: string[]; modelTypes?: string[] };
    const params = new URLSearchParams({ ...f.range, teamIds: teamId, groupBy: 'MODEL', granularity: 'DAY' });
    if (f.apiKeyIds) params.set('apiKeyIds', f.apiKeyIds.join(','));
    if (f.modelTypes) params.set('modelTypes', f.modelTypes.join(','));
    try {
      await download(`/v1/exports/usage.csv?${params.toString()}`, 'usage-by-model.csv');
    } catch (error) {
      message.show(error);
    }
  }

  async function loadChoices(): Promise<void> {
    try {
      const d = await gql<any>(CHOICES, { team: teamId, f: { range: { preset: 'LAST_30_DAYS' }, teamIds: [teamId] } });
      replace(
        filters,
        select(
          'stat-key',
          'API key',
          [['', 'All keys'], ...d.team.apiKeys.map((k: any) => [k.id, `${k.name} (…${k.last4})`] as [string, string])],
          '',
        ),
        select(
          'stat-type',
          'Model type',
          [['', 'All types'], ...d.usageRanking.map((r: any) => [r.key, r.label] as [string, string])],
          '',
        ),
        h('button', { type: 'button', id: 'stat-query', onclick: () => void query() }, 'Query'),
        h(
          'button',
          {
            type: 'button',
            onclick: () => {
              choice = DEFAULT_RANGE;
              void loadChoices().then(query);
            },
          },
          'Clear',
        ),
        h('button', { type: 'button', onclick: () => void exportCsv() }, 'Export CSV'),
      );
    } catch (error) {
      message.show(error);
    }
  }

  root.append(
    message.el,
    rangePicker(['LAST_1_DAY', 'LAST_3_DAYS', 'LAST_7_DAYS'], choice, (c) => {
      choice = c;
      void query();
    }),
    filters,
    live.toggle,
    results,
  );
  void loadChoices().then(query);
  return live.stop;
};
