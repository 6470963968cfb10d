import { gql } from '../api';
import { alignSeries, chart } from '../chart';
import { h, replace } from '../dom';
import { formatCount, formatMoney, formatMs, formatPercent, formatTime } from '../format';
import {
  granularityFor,
  kpi,
  Me,
  messageArea,
  Page,
  RangeChoice,
  rangePicker,
  section,
  select,
  table,
  timeRange,
  valueOf,
} from '../ui';

const USAGE = `query Overview($f: UsageFilter!, $range: TimeRange!, $team: ID!, $g: Granularity!) {
  usageSummary(filter: $f) { requests successRate latencyP95 totalTokens cost }
  usageTrend(filter: $f, granularity: $g, metrics: [REQUESTS, SUCCESS_RATE, LATENCY_P95]) {
    metric label points { t value } }
  usageRanking(filter: $f, dimension: USER, metric: TOTAL_TOKENS, limit: 10) { key label value share }
  myUsage(range: $range, teamId: $team) {
    usage { requests totalTokens cost }
    quotas { used remaining percentUsed quota { unit period limit apiKeyId } } }
}`;

const TEAM = `query Team($team: ID!) { team(id: $team) {
  id name owner { id }
  members { role joinedAt user { id username email } }
  invitations { id role status expiresAt } } }`;

const LOGS = `query Logs($f: UsageFilter!, $statuses: [String!], $minLatencyMs: Int, $minTokens: Int) {
  callLogs(filter: $f, statuses: $statuses, minLatencyMs: $minLatencyMs, minTokens: $minTokens, first: 20) {
    totalCount edges { node {
      eventId occurredAt userId model status httpStatus latencyMs inputTokens outputTokens cost test } } } }`;

interface Member {
  role: string;
  joinedAt: string;
  user: { id: string; username: string; email: string };
}
interface TeamDetail {
  id: string;
  name: string;
  owner: { id: string };
  members: Member[];
  invitations: Array<{ id: string; role: string; status: string; expiresAt: string }>;
}

const ROLES: Array<[string, string]> = [
  ['MEMBER', 'Member'],
  ['ADMIN', 'Admin'],
  ['OWNER', 'Owner'],
];

/** Seed 000: team statistics, member ranking, my usage against my quotas, call logs, lifecycle. */
export const overviewPage: Page = (ctx, root) => {
  if (!ctx.team) {
    root.append(h('p', {}, 'You are in no team yet: statistics appear here once a team has you as a member.'));
    return;
  }
  const teamId = ctx.team.id;
  let choice: RangeChoice = { preset: 'LAST_1_DAY' };
  const usage = h('div', { id: 'overview-usage' });
  const logs = h('div', { id: 'overview-logs' });
  const people = h('div', { id: 'overview-people' });
  const message = messageArea();
  const filter = () => ({ range: timeRange(choice, ctx.timeZone), teamIds: [teamId] });

  async function loadUsage(): Promise<void> {
    try {
      const d = await gql<any>(USAGE, {
        f: filter(),
        range: timeRange(choice, ctx.timeZone),
        team: teamId,
        g: granularityFor(choice),
      });
      const s = d.usageSummary;
      const byMetric = (m: string) =>
        alignSeries(d.usageTrend.filter((x: any) => x.metric === m).map((x: any) => ({ ...x, label: x.label ?? m })));
      replace(
        usage,
        h(
          'div',
          { class: 'kpis' },
          kpi('requests', 'Requests', formatCount(s.requests), s.requests),
          kpi('successRate', 'Success rate', formatPercent(s.successRate), s.successRate),
          kpi('latencyP95', 'Latency p95', formatMs(s.latencyP95), s.latencyP95),
          kpi('totalTokens', 'Total tokens', formatCount(s.totalTokens), s.totalTokens),
          kpi('cost', 'Cost', formatMoney(s.cost), s.cost),
        ),
        section(
          'Team statistics',
          chart(byMetric('REQUESTS'), { title: 'Requests', timeZone: ctx.timeZone, height: 180 }),
          chart(byMetric('SUCCESS_RATE'), { title: 'Success rate', timeZone: ctx.timeZone, height: 180 }),
          chart(byMetric('LATENCY_P95'), { title: 'Latency p95 (ms)', timeZone: ctx.timeZone, height: 180 }),
        ),
        section(
          'Member ranking (total tokens)',
          table(
            'Members by total tokens',
            ['Member', 'Total tokens', 'Share'],
            d.usageRanking.map((r: any) => [r.label, formatCount(r.value), formatPercent(r.share)]),
            { 'data-table': 'member-ranking' },
          ),
        ),
        section(
          'My usage',
          h(
            'div',
            { class: 'kpis' },
            kpi('myRequests', 'My requests', formatCount(d.myUsage.usage.requests), d.myUsage.usage.requests),
            kpi('myTokens', 'My tokens', formatCount(d.myUsage.usage.totalTokens), d.myUsage.usage.totalTokens),
            kpi('myCost', 'My cost', formatMoney(d.myUsage.usage.cost), d.myUsage.usage.cost),
          ),
          d.myUsage.quotas.length
            ? table(
                'My quotas',
                ['Quota', 'Used', 'Remaining', 'Used %'],
                d.myUsage.quotas.map((q: any) => [
                  `${q.quota.unit} per ${q.quota.period}${q.quota.apiKeyId ? ' (key)' : ''}: ${formatCount(q.quota.limit)}`,
                  formatCount(q.used),
                  formatCount(q.remaining),
                  `${q.percentUsed.toFixed(1)} %`,
                ]),
              )
            : h('p', {}, 'No quota is set on you or your keys in this team.'),
        ),
      );
    } catch (error) {
      message.show(error);
    }
  }

  async function loadLogs(): Promise<void> {
    const model = valueOf(root, 'log-model').trim();
    const status = valueOf(root, 'log-status');
    const minLatency = valueOf(root, 'log-latency');
    const minTokens = valueOf(root, 'log-tokens');
    const includeTest = root.querySelector<HTMLInputElement>('#log-test')?.checked ?? false;
    try {
      const d = await gql<any>(LOGS, {
        f: { ...filter(), ...(model ? { models: [model] } : {}), ...(includeTest ? { includeTest } : {}) },
        statuses: status ? [status] : null,
        minLatencyMs: minLatency ? Number(minLatency) : null,
        minTokens: minTokens ? Number(minTokens) : null,
      });
      replace(
        logs,
        h('p', { 'data-value': d.callLogs.totalCount, class: 'count' }, `${formatCount(d.callLogs.totalCount)} calls`),
        table(
          'Latest calls',
          ['Time', 'Model', 'Status', 'Latency', 'Input', 'Output', 'Cost'],
          d.callLogs.edges.map(({ node: c }: any) => [
            formatTime(c.occurredAt, ctx.timeZone),
            c.test ? h('span', {}, c.model, ' ', h('span', { class: 'badge' }, 'test key')) : c.model,
            `${c.status}${c.httpStatus ? ` (${c.httpStatus})` : ''}`,
            formatMs(c.latencyMs),
            formatCount(c.inputTokens),
            formatCount(c.outputTokens),
            formatMoney(c.cost),
          ]),
          { 'data-table': 'call-logs' },
        ),
      );
    } catch (error) {
      message.show(error);
    }
  }

  /** Runs one lifecycle mutation; its refusal (a rule's CONFLICT message) is shown as it came. */
  async function act(done: string, query: string, variables: Record<string, unknown>): Promise<unknown> {
    try {
      const d = await gql(query, variables);
      message.info(done);
      await loadPeople();
      return d;
    } catch (error) {
      message.show(error);
      return undefined;
    }
  }

  async function loadPeople(): Promise<void> {
    let team: TeamDetail | null;
    let me: Me;
    try {
      [team, me] = await Promise.all([
        gql<{ team: TeamDetail | null }>(TEAM, { team: teamId }).then((d) => d.team),
        ctx.me,
      ]);
    } catch (error) {
      message.show(error);
      return;
    }
    if (!team) return;
    const memberRows = team.members.map((m) => [
      h('span', {}, m.user.username, h('br'), h('small', {}, m.user.email)),
      select(`role-${m.user.id}`, `Role of ${m.user.username}`, ROLES, m.role, (role) => {
        void act(`${m.user.username} is now ${role}.`, CHANGE_ROLE, { teamId, userId: m.user.id, role });
      }),
      formatTime(m.joinedAt, ctx.timeZone),
      h(
        'span',
        { class: 'actions' },
        m.user.id === me.id
          ? h('button', { type: 'button', onclick: () => void act('You left the team.', LEAVE, { teamId }) }, 'Leave')
          : [
              h(
                'button',
                {
                  type: 'button',
                  'aria-label': `Make owner ${m.user.username}`,
                  onclick: () =>
                    void act(`${m.user.username} owns the team now.`, TRANSFER, { teamId, toUserId: m.user.id }),
                },
                'Make owner',
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'danger',
                  'aria-label': `Remove ${m.user.username}`,
                  onclick: () => void act(`${m.user.username} was removed.`, REMOVE, { teamId, userId: m.user.id }),
                },
                'Remove',
              ),
            ],
      ),
    ]);
    const pending = team.invitations.filter((i) => i.status === 'PENDING');
    replace(
      people,
      table('Members', ['Member', 'Role', 'Joined', 'Actions'], memberRows, { 'data-table': 'members' }),
      h(
        'form',
        {
          class: 'inline',
          onsubmit: (e: Event) => {
            e.preventDefault();
            const who = valueOf(root, 'invite-who').trim();
            void act(`Invitation sent to ${who}.`, INVITE, {
              teamId,
              usernameOrEmail: who,
              role: valueOf(root, 'invite-role'),
            });
          },
        },
        h('label', { for: 'invite-who' }, 'Username or email'),
        h('input', { id: 'invite-who', required: true, autocomplete: 'off' }),
        select('invite-role', 'Role', ROLES.slice(0, 2), 'MEMBER'),
        h('button', { type: 'submit' }, 'Invite'),
      ),
      table(
        'Pending invitations',
        ['Role', 'Expires', 'Actions'],
        pending.map((i) => [
          i.role,
          formatTime(i.expiresAt, ctx.timeZone),
          h(
            'button',
            {
              type: 'button',
              'data-invitation': i.id,
              onclick: () => void act('Invitation revoked.', REVOKE, { invitationId: i.id }),
            },
            'Revoke',
          ),
        ]),
        { 'data-table': 'invitations' },
      ),
    );
  }

  root.append(
    message.el,
    rangePicker(['LAST_HOUR', 'TODAY', 'LAST_1_DAY', 'LAST_7_DAYS', 'LAST_30_DAYS'], choice, (c) => {
      choice = c;
      void loadUsage();
      void loadLogs();
    }),
    usage,
    section(
      'Call logs',
      h(
        'form',
        {
          class: 'inline',
          onsubmit: (e: Event) => {
            e.preventDefault();
            void loadLogs();
          },
        },
        h('label', { for: 'log-model' }, 'Model'),
        h('input', { id: 'log-model', autocomplete: 'off' }),
        select(
          'log-status',
          'Status',
          [
            ['', 'Any'],
            ['success', 'Success'],
            ['error', 'Error'],
          ],
          '',
        ),
        h('label', { for: 'log-latency' }, 'Min latency (ms)'),
        h('input', { id: 'log-latency', type: 'number', min: 0 }),
        h('label', { for: 'log-tokens' }, 'Min tokens'),
        h('input', { id: 'log-tokens', type: 'number', min: 0 }),
        // test keys' calls are left out of usage and logs unless asked for
        h('label', {}, h('input', { id: 'log-test', type: 'checkbox' }), ' Test calls too'),
        h('button', { type: 'submit' }, 'Filter'),
      ),
      logs,
    ),
    section('Members and invitations', people),
  );
  void loadUsage();
  void loadLogs();
  void loadPeople();
};

const CHANGE_ROLE = `mutation($teamId: ID!, $userId: ID!, $role: TeamRole!) {
  changeRole(teamId: $teamId, userId: $userId, role: $role) { role } }`;
const TRANSFER = `mutation($teamId: ID!, $toUserId: ID!) { transferOwnership(teamId: $teamId, toUserId: $toUserId) { id } }`;
const REMOVE = `mutation($teamId: ID!, $userId: ID!) { removeMember(teamId: $teamId, userId: $userId) }`;
const LEAVE = `mutation($teamId: ID!) { leaveTeam(teamId: $teamId) }`;
const INVITE = `mutation($teamId: ID!, $usernameOrEmail: String!, $role: TeamRole!) {
  inviteMember(teamId: $teamId, usernameOrEmail: $usernameOrEmail, role: $role) { id status } }`;
const REVOKE = `mutation($invitationId: ID!) { revokeInvitation(invitationId: $invitationId) { id status } }`;
