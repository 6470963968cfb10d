import { gql, saveBlob } from '../api';
import { alignSeries, chart } from '../chart';
import { h, replace } from '../dom';
import { formatCount, formatDecimal, formatPercent } from '../format';
import { kpi, messageArea, Page, RangeChoice, rangePicker, section, select, timeRange, toCsv } from '../ui';

const RANKING = `query Ranking($f: UsageFilter!, $d: UsageDimension!, $g: Granularity!, $n: Int!) {
  usageSummary(filter: $f) { totalTokens inputTokens outputTokens cacheReadTokens cacheWriteTokens }
  usageRanking(filter: $f, dimension: $d, metric: TOTAL_TOKENS, limit: $n, granularity: $g) {
    key label value share points { t value } }
  throughput: usageTrend(filter: $f, granularity: $g,
    metrics: [TOKENS_PER_MINUTE, INPUT_TOKENS_PER_MINUTE, OUTPUT_TOKENS_PER_MINUTE]) {
    metric min max avg points { t value } }
  cache: usageTrend(filter: $f, granularity: $g, metrics: [CACHE_READ_TOKENS, CACHE_WRITE_TOKENS]) {
    metric min max avg points { t value } } }`;

const DIMENSIONS: Array<[string, string]> = [
  ['SERVICE', 'By service'],
  ['MODEL', 'By model'],
  ['API_KEY', 'By key'],
];
const GRANULARITIES: Array<[string, string]> = [
  ['MINUTE', '1 minute'],
  ['FIVE_MINUTES', '5 minutes'],
  ['HOUR', '1 hour'],
  ['DAY', '1 day'],
];
const METRIC_LABELS: Record<string, string> = {
  TOKENS_PER_MINUTE: 'Total tokens per minute',
  INPUT_TOKENS_PER_MINUTE: 'Input tokens per minute',
  OUTPUT_TOKENS_PER_MINUTE: 'Output tokens per minute',
  CACHE_READ_TOKENS: 'Cache read tokens',
  CACHE_WRITE_TOKENS: 'Cache write tokens',
};

function statsTable(caption: string, series: any[]): HTMLTableElement {
  return h(
    'table',
    { 'data-table': caption },
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Metric', 'Min', 'Max', 'Avg'].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      series.map((s) =>
        h(
          'tr',
          { 'data-metric': s.metric },
          h('th', { scope: 'row' }, METRIC_LABELS[s.metric]),
          [s.min, s.max, s.avg].map((v) => h('td', { 'data-value': v ?? '' }, formatDecimal(v))),
        ),
      ),
    ),
  );
}

/** Seed 002: top N by service, model or key with bars; granularity; throughput with min/max/avg; cache. */
export const rankingPage: Page = (ctx, root) => {
  if (!ctx.team) return void root.append(h('p', {}, 'Pick a team to see its ranking.'));
  const teamId = ctx.team.id;
  let choice: RangeChoice = { preset: 'LAST_1_DAY' };
  let dimension = 'MODEL';
  let granularity = 'HOUR';
  let limit = 10;
  let entries: any[] = [];
  const message = messageArea();
  const results = h('div', { id: 'ranking-results' });

  async function load(): Promise<void> {
    try {
      const f = { range: timeRange(choice, ctx.timeZone), teamIds: [teamId] };
      const d = await gql<any>(RANKING, { f, d: dimension, g: granularity, n: limit });
      entries = d.usageRanking;
      const s = d.usageSummary;
      const top = Math.max(1, ...entries.map((e) => e.value));
      replace(
        results,
        h(
          'div',
          { class: 'kpis' },
          kpi('totalTokens', 'Total tokens consumed', formatCount(s.totalTokens), s.totalTokens),
          kpi('inputTokens', 'Input tokens', formatCount(s.inputTokens), s.inputTokens),
          kpi('outputTokens', 'Output tokens', formatCount(s.outputTokens), s.outputTokens),
        ),
        h(
          'div',
          { class: 'split' },
          section(
            `Top ${limit}`,
            h(
              'button',
              {
                type: 'button',
                class: 'download',
                onclick: () =>
                  saveBlob(
                    toCsv([
                      ['key', 'label', 'total_tokens', 'share'],
                      ...entries.map((e) => [e.key, e.label, e.value, e.share]),
                    ]),
                    `ranking-${dimension.toLowerCase()}.csv`,
                  ),
              },
              'Download',
            ),
            h(
              'ol',
              { class: 'ranking', 'data-list': 'ranking' },
              entries.map((e) =>
                h(
                  'li',
                  { 'data-key': e.key, 'data-value': e.value },
                  h('span', { class: 'name' }, e.label),
                  h('meter', { min: 0, max: top, value: e.value, 'aria-label': `${e.label} share` }),
                  h('span', { class: 'num' }, `${formatCount(e.value)} (${formatPercent(e.share)})`),
                ),
              ),
            ),
          ),
          section(
            'Consumption by interval',
            chart(alignSeries(entries), {
              title: 'Total tokens per interval',
              timeZone: ctx.timeZone,
              bars: true,
              stacked: true,
              width: 560,
            }),
          ),
        ),
        section(
          'Token throughput',
          chart(alignSeries(d.throughput.map((x: any) => ({ ...x, label: METRIC_LABELS[x.metric] }))), {
            title: 'Tokens per minute',
            timeZone: ctx.timeZone,
          }),
          statsTable('Throughput', d.throughput),
        ),
        section(
          'Cache tokens',
          chart(alignSeries(d.cache.map((x: any) => ({ ...x, label: METRIC_LABELS[x.metric] }))), {
            title: 'Cache tokens',
            timeZone: ctx.timeZone,
          }),
          statsTable('Cache', d.cache),
        ),
      );
    } catch (error) {
      message.show(error);
    }
  }

  root.append(
    message.el,
    h(
      'div',
      { class: 'filters' },
      select('rank-dimension', 'Dimension', DIMENSIONS, dimension, (v) => {
        dimension = v;
        void load();
      }),
      select('rank-granularity', 'Granularity', GRANULARITIES, granularity, (v) => {
        granularity = v;
        void load();
      }),
      select(
        'rank-limit',
        'Top',
        ['5', '10', '20'].map((n) => [n, n] as [string, string]),
        String(limit),
        (v) => {
          limit = Number(v);
          void load();
        },
      ),
    ),
    rangePicker(['LAST_HOUR', 'TODAY', 'LAST_3_DAYS', 'LAST_7_DAYS', 'LAST_30_DAYS'], choice, (c) => {
      choice = c;
      void load();
    }),
    results,
  );
  void load();
};
