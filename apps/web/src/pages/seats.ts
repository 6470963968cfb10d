import { gql } from '../api';
import { alignSeries, chart } from '../chart';
import { h, replace } from '../dom';
import { formatMoney, formatPercent, formatTime } from '../format';
import { kpi, messageArea, Page, RangeChoice, section, select, table, timeRange, valueOf } from '../ui';

const PLANS = `query Plans($team: ID!) { team(id: $team) {
  members { role user { id username } }
  plans { id name seats endsAt assigned unassigned expired seatList { id status user { id username } } } } }`;

const CREDITS = `query Credits($f: UsageFilter!, $g: Granularity!) {
  usageSummary(filter: $f) { credits }
  usageTrend(filter: $f, granularity: $g, metrics: [CREDITS]) { points { t value } }
  byModel: usageRanking(filter: $f, dimension: MODEL, metric: CREDITS, limit: 20) { key label value share }
  byMember: usageRanking(filter: $f, dimension: USER, metric: CREDITS, limit: 20) { key label value share } }`;

/** Letters, digits and underscores, not starting with a digit (the seed's username rule). */
export const USERNAME_RULE = /^[A-Za-z_][A-Za-z0-9_]*$/;

const PERIODS: Array<[RangeChoice & { preset: string }, string]> = [
  [{ preset: 'LAST_1_DAY' }, '1 day'],
  [{ preset: 'LAST_7_DAYS' }, '7 days'],
  [{ preset: 'LAST_30_DAYS' }, '30 days'],
];

/** Seed 004: seat status, assign and reclaim, add a member, credits by model and member. */
export const seatsPage: Page = (ctx, root) => {
  if (!ctx.team) return void root.append(h('p', {}, 'Pick a team to manage its seats.'));
  const teamId = ctx.team.id;
  let period = PERIODS[1][0];
  const message = messageArea();
  const plans = h('div', { id: 'seats-plans' });
  const credits = h('div', { id: 'seats-credits' });

  async function act(done: string, query: string, variables: Record<string, unknown>): Promise<void> {
    try {
      await gql(query, variables);
      message.info(done);
      await loadPlans();
    } catch (error) {
      message.show(error);
    }
  }

  async function loadPlans(): Promise<void> {
    try {
      const { team } = await gql<any>(PLANS, { team: teamId });
      const members: Array<[string, string]> = team.members.map((m: any) => [m.user.id, m.user.username]);
      replace(
        plans,
        team.plans.length ? null : h('p', {}, 'This team has no plan yet.'),
        team.plans.map((p: any) =>
          h(
            'article',
            { class: 'plan', 'data-plan': p.id },
            h('h3', {}, `${p.name} (ends ${formatTime(p.endsAt, ctx.timeZone)})`),
            h(
              'div',
              { class: 'kpis' },
              kpi(`assigned-${p.id}`, 'Assigned', String(p.assigned), p.assigned),
              kpi(`unassigned-${p.id}`, 'Unassigned', String(p.unassigned), p.unassigned),
              kpi(`expired-${p.id}`, 'Expired', String(p.expired), p.expired),
            ),
            h(
              'form',
              {
                class: 'inline',
                onsubmit: (e: Event) => {
                  e.preventDefault();
                  void act('Seat assigned.', ASSIGN, { planId: p.id, userId: valueOf(root, `assign-${p.id}`) });
                },
              },
              select(`assign-${p.id}`, 'Member', members, members[0]?.[0] ?? ''),
              h('button', { type: 'submit' }, 'Assign'),
            ),
            table(
              'Seats',
              ['Seat', 'Status', 'Member', 'Actions'],
              p.seatList.map((s: any, i: number) => [
                `#${i + 1}`,
                s.status,
                s.user?.username ?? '–',
                s.status === 'ASSIGNED'
                  ? h(
                      'button',
                      {
                        type: 'button',
                        'aria-label': `Reclaim the seat of ${s.user?.username ?? 'nobody'}`,
                        onclick: () => void act('Seat reclaimed.', RECLAIM, { seatId: s.id }),
                      },
                      'Reclaim',
                    )
                  : '',
              ]),
            ),
          ),
        ),
      );
    } catch (error) {
      message.show(error);
    }
  }

  async function loadCredits(): Promise<void> {
    try {
      const f = { range: timeRange(period, ctx.timeZone), teamIds: [teamId] };
      const d = await gql<any>(CREDITS, { f, g: period.preset === 'LAST_1_DAY' ? 'HOUR' : 'DAY' });
      const rows = (entries: any[]) => entries.map((e) => [e.label, String(e.value), formatPercent(e.share)]);
      replace(
        credits,
        h(
          'div',
          { class: 'kpis' },
          kpi('credits', 'Credits consumed', formatMoney(d.usageSummary.credits), d.usageSummary.credits),
        ),
        chart(alignSeries(d.usageTrend.map((s: any) => ({ ...s, label: 'Credits' }))), {
          title: 'Credits consumption trend',
          timeZone: ctx.timeZone,
          bars: true,
        }),
        table('Credits by model', ['Model', 'Credits', 'Share'], rows(d.byModel), { 'data-table': 'credits-model' }),
        table('Credits by member', ['Member', 'Credits', 'Share'], rows(d.byMember), {
          'data-table': 'credits-member',
        }),
      );
    } catch (error) {
      message.show(error);
    }
  }

  const username = h('input', { id: 'add-username', autocomplete: 'off', required: true });
  root.append(
    message.el,
    section('Subscription overview', plans),
    section(
      'Add member',
      h(
        'form',
        {
          class: 'inline',
          onsubmit: (e: Event) => {
            e.preventDefault();
            const name = username.value.trim();
            if (!USERNAME_RULE.test(name)) {
              message.show('Username: letters, numbers and underscores only, and it cannot start with a number.');
              return;
            }
            void act(`Invitation sent to ${name}.`, INVITE, { teamId, who: name, role: valueOf(root, 'add-role') });
          },
        },
        h('label', { for: 'add-username' }, 'Username'),
        username,
        select(
          'add-role',
          'Role',
          [
            ['MEMBER', 'Member'],
            ['ADMIN', 'Administrator'],
          ],
          'MEMBER',
        ),
        h('button', { type: 'submit' }, 'Add member'),
      ),
    ),
    section(
      'Usage analysis',
      h(
        'div',
        { class: 'filters', role: 'group', 'aria-label': 'Period' },
        PERIODS.map(([p, label]) =>
          h(
            'button',
            {
              type: 'button',
              class: 'preset',
              'data-preset': p.preset,
              'aria-pressed': p.preset === period.preset ? 'true' : 'false',
              onclick: (e: Event) => {
                period = p;
                (e.target as HTMLElement).parentElement!.querySelectorAll('button').forEach((b) => {
                  b.setAttribute('aria-pressed', b.dataset.preset === p.preset ? 'true' : 'false');
                });
                void loadCredits();
              },
            },
            label,
          ),
        ),
      ),
      credits,
    ),
  );
  void loadPlans();
  void loadCredits();
};

const ASSIGN = `mutation($planId: ID!, $userId: ID!) { assignSeat(planId: $planId, userId: $userId) { id status } }`;
const RECLAIM = `mutation($seatId: ID!) { reclaimSeat(seatId: $seatId) { id status } }`;
const INVITE = `mutation($teamId: ID!, $who: String!, $role: TeamRole!) {
  inviteMember(teamId: $teamId, usernameOrEmail: $who, role: $role) { id } }`;
