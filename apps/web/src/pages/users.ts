import { gql } from '../api';
import { alignSeries, chart, ChartOptions, updateChart } from '../chart';
import { h, replace, sparkline } from '../dom';
import { formatCount, formatDecimal, formatMoney } from '../format';
import { liveMode } from '../live';
import { granularityFor, kpi, messageArea, Page, RangeChoice, rangePicker, section, timeRange } from '../ui';

const SUMMARY_FIELDS = 'activeUsers avgRequestsPerUser requests totalTokens cost';

const VARIABLES = `($f: UsageFilter!, $view: UsageDimension!, $order: UsageMetric!, $desc: Boolean!,
    $search: String, $g: Granularity!, $activity: [UsageMetric!]!, $split: UsageDimension)`;

const CHART_AND_TABLE = `
  usageTrend(filter: $f, granularity: $g, metrics: $activity, splitBy: $split) { key label points { t value } }
  usageBreakdown(filter: $f, view: $view, orderBy: $order, descending: $desc, search: $search, first: 50) {
    totalCount edges { node { key label email sparkline models moreModels requests inputTokens outputTokens cost } } }`;

const PAGE = `query Users${VARIABLES} { usageSummary(filter: $f) { ${SUMMARY_FIELDS} } ${CHART_AND_TABLE} }`;

/** Live mode's read after a push: the summary came with the push. */
const CHART_AND_TABLE_ONLY = `query UsersLive${VARIABLES} { ${CHART_AND_TABLE} }`;

const KEYS = `query Keys($team: ID!) { team(id: $team) { apiKeys { id name last4 } } teams { id name } }`;

const COLUMNS: Array<[string, string | null]> = [
  ['Name', null],
  ['Trend', null],
  ['Models', null],
  ['Requests', 'REQUESTS'],
  ['Input', 'INPUT_TOKENS'],
  ['Output', 'OUTPUT_TOKENS'],
  ['Cost', 'COST'],
];

/** Seed 003: by user or by team; KPIs; activity chart; sortable, searchable table; live mode. */
export const usersPage: Page = (ctx, root) => {
  if (!ctx.team) return void root.append(h('p', {}, 'Pick a team to see who uses it.'));
  const teamId = ctx.team.id;
  let view: 'USER' | 'TEAM' = 'USER';
  let choice: RangeChoice = { preset: 'LAST_7_DAYS' };
  let order = 'REQUESTS';
  let descending = true;
  const message = messageArea();
  const kpis = h('div', { class: 'kpis', id: 'users-kpis' });
  const activity = h('div', { id: 'users-activity' });
  const breakdown = h('div', { id: 'users-breakdown' });
  const filters = h('div', { class: 'filters' });
  const search = h('input', { id: 'users-search', type: 'search', autocomplete: 'off' });

  function filter(): Record<string, unknown> {
    const keys = [...root.querySelectorAll<HTMLInputElement>('input[name="key"]:checked')].map((i) => i.value);
    const teams = [...root.querySelectorAll<HTMLInputElement>('input[name="team"]:checked')].map((i) => i.value);
    const tags = root.querySelector<HTMLInputElement>('#users-tags')?.value.trim();
    return {
      range: timeRange(choice, ctx.timeZone),
      teamIds: teams.length ? teams : [teamId],
      ...(keys.length ? { apiKeyIds: keys } : {}),
      ...(tags ? { tags: tags.split(',').map((t) => t.trim()) } : {}),
    };
  }

  function showSummary(s: any): void {
    replace(
      kpis,
      kpi('activeUsers', 'Active users', formatCount(s.activeUsers), s.activeUsers),
      kpi('avgRequestsPerUser', 'Avg requests / user', formatDecimal(s.avgRequestsPerUser), s.avgRequestsPerUser),
      kpi('requests', 'Requests', formatCount(s.requests), s.requests),
      kpi('totalTokens', 'Total tokens', formatCount(s.totalTokens), s.totalTokens),
      kpi('cost', view === 'USER' ? 'User cost' : 'Team cost', formatMoney(s.cost), s.cost),
    );
  }

  function variables(): Record<string, unknown> {
    return {
      f: filter(),
      view,
      order,
      desc: descending,
      search: search.value.trim() || null,
      g: granularityFor(choice) === 'DAY' ? 'DAY' : 'HOUR',
      activity: view === 'USER' ? ['ACTIVE_USERS'] : ['REQUESTS'],
      split: view === 'USER' ? null : 'TEAM',
    };
  }

  async function load(): Promise<void> {
    try {
      const d = await gql<any>(PAGE, variables());
      showSummary(d.usageSummary);
      showChartAndTable(d);
      live.follow();
    } catch (error) {
      message.show(error);
    }
  }

  async function reread(): Promise<void> {
    try {
      showChartAndTable(await gql<any>(CHART_AND_TABLE_ONLY, variables()));
    } catch (error) {
      message.show(error);
    }
  }

  function showChartAndTable(d: any): void {
    const data = alignSeries(d.usageTrend.map((x: any) => ({ ...x, label: x.label ?? x.key ?? 'Active users' })));
    const options: ChartOptions = {
      title: view === 'USER' ? 'Active users' : 'Requests by team',
      timeZone: ctx.timeZone,
      bars: true,
      stacked: view === 'TEAM',
    };
    const drawn = activity.querySelector<HTMLElement>('figure.chart');
    if (drawn) updateChart(drawn, data, options);
    else replace(activity, chart(data, options));
    const header = COLUMNS.map(([label, metric]) => {
      if (!metric) return h('th', { scope: 'col' }, label);
      const sorted = metric === order;
      return h(
        'th',
        { scope: 'col', 'aria-sort': sorted ? (descending ? 'descending' : 'ascending') : 'none' },
        h(
          'button',
          {
            type: 'button',
            class: 'sort',
            onclick: () => {
              descending = sorted ? !descending : true;
              order = metric;
              void load();
            },
          },
          label,
        ),
      );
    });
    replace(
      breakdown,
      h('p', { class: 'count', 'data-value': d.usageBreakdown.totalCount }, `${d.usageBreakdown.totalCount} rows`),
      h(
        'table',
        { 'data-table': 'breakdown' },
        h('caption', {}, view === 'USER' ? 'Users' : 'Teams'),
        h('thead', {}, h('tr', {}, header)),
        h(
          'tbody',
          {},
          d.usageBreakdown.edges.map(({ node: r }: any) =>
            h(
              'tr',
              { 'data-key': r.key },
              h('td', {}, h('span', { class: 'name' }, r.label), r.email ? [h('br'), h('small', {}, r.email)] : null),
              h('td', {}, sparkline(r.sparkline, `Requests over time for ${r.label}`)),
              h(
                'td',
                {},
                r.models.join(', '),
                r.moreModels ? h('span', { class: 'badge' }, ` +${r.moreModels}`) : null,
              ),
              h('td', { 'data-value': r.requests }, formatCount(r.requests)),
              h('td', { 'data-value': r.inputTokens }, formatCount(r.inputTokens)),
              h('td', { 'data-value': r.outputTokens }, formatCount(r.outputTokens)),
              h('td', { 'data-value': r.cost }, formatMoney(r.cost)),
            ),
          ),
        ),
      ),
    );
  }

  // KPI cards from each push; chart and table read again after it (see liveMode)
  const live = liveMode({
    fields: SUMMARY_FIELDS,
    filter,
    onSummary: showSummary,
    reread,
    onError: (e) => message.show(e),
  });

  async function loadFilters(): Promise<void> {
    try {
      const d = await gql<any>(KEYS, { team: teamId });
      replace(
        filters,
        h(
          'fieldset',
          {},
          h('legend', {}, 'API keys'),
          d.team.apiKeys.map((k: any) =>
            h('label', {}, h('input', { type: 'checkbox', name: 'key', value: k.id }), ` ${k.name}`),
          ),
        ),
        h(
          'fieldset',
          {},
          h('legend', {}, 'Teams'),
          d.teams.map((t: any) =>
            h('label', {}, h('input', { type: 'checkbox', name: 'team', value: t.id }), ` ${t.name}`),
          ),
        ),
        h('label', { for: 'users-tags' }, 'Tags (comma-separated)'),
        h('input', { id: 'users-tags', autocomplete: 'off' }),
        h('button', { type: 'button', onclick: () => void load() }, 'Apply'),
      );
    } catch (error) {
      message.show(error);
    }
  }

  const viewButtons = (['USER', 'TEAM'] as const).map((v) =>
    h(
      'button',
      {
        type: 'button',
        'data-view': v,
        'aria-pressed': v === view ? 'true' : 'false',
        onclick: () => {
          view = v;
          viewButtons.forEach((b) => b.setAttribute('aria-pressed', b.dataset.view === v ? 'true' : 'false'));
          void load();
        },
      },
      v === 'USER' ? 'By user' : 'By team',
    ),
  );

  root.append(
    message.el,
    h('div', { class: 'filters', role: 'group', 'aria-label': 'View' }, viewButtons),
    rangePicker(['LAST_1_DAY', 'LAST_7_DAYS', 'LAST_14_DAYS', 'LAST_30_DAYS'], choice, (c) => {
      choice = c;
      void load();
    }),
    filters,
    live.toggle,
    kpis,
    section('Activity', activity),
    section(
      'Breakdown',
      h(
        'form',
        {
          class: 'inline',
          role: 'search',
          onsubmit: (e: Event) => {
            e.preventDefault();
            void load();
          },
        },
        h('label', { for: 'users-search' }, 'Search name or email'),
        search,
        h('button', { type: 'submit' }, 'Search'),
      ),
      breakdown,
    ),
  );
  void loadFilters();
  void load();
  return live.stop;
};
