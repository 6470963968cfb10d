import './styles.css';
import { ApiError, gql, session } from './api';
import { h, replace } from './dom';
import { overviewPage } from './pages/overview';
import { rankingPage } from './pages/ranking';
import { seatsPage } from './pages/seats';
import { statisticsPage } from './pages/statistics';
import { usersPage } from './pages/users';
import { Me, Page, PageContext, TeamRef } from './ui';

const PAGES: Array<{ path: string; title: string; page: Page }> = [
  { path: 'overview', title: 'Team overview', page: overviewPage },
  { path: 'statistics', title: 'Usage statistics', page: statisticsPage },
  { path: 'ranking', title: 'Ranking and trend', page: rankingPage },
  { path: 'users', title: 'Usage by user or team', page: usersPage },
  { path: 'seats', title: 'Seats and credits', page: seatsPage },
];

const ME = `query { me { id username platformRoles } teams { id name } }`;
const TEAM_KEY = 'usage-analytics.team';
const ZONE_KEY = 'usage-analytics.timeZone';

const app = document.getElementById('app')!;
let leavePage: (() => void) | void;

function signInForm(error?: string): void {
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', required: true });
  replace(
    app,
    h(
      'main',
      { class: 'signin' },
      h('h1', {}, 'Usage analytics'),
      h(
        'form',
        {
          onsubmit: (e: Event) => {
            e.preventDefault();
            session.signIn(input.value.trim());
            void start();
          },
        },
        h('label', { for: 'token' }, 'Personal access token'),
        input,
        h('button', { type: 'submit' }, 'Sign in'),
        error ? h('p', { class: 'message error', role: 'alert' }, error) : null,
        h('p', { class: 'hint' }, 'The token stays in this tab only (session storage) and is sent in a header.'),
      ),
    ),
  );
  input.focus();
}

function zoneChoices(current: string): string[] {
  const zones = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return [...new Set([current, 'UTC', ...zones])];
}

async function start(): Promise<void> {
  if (!session.token()) return signInForm();
  const who = gql<{ me: Me; teams: TeamRef[] }>(ME);
  who.catch(() => undefined); // awaited below; a page may settle first
  // A tab that has picked a team sends its page's reads beside `me` instead of after it: at 10M
  // events the reads are most of a first render, `me` a round trip more (issue 18, part 6).
  const remembered = sessionStorage.getItem(TEAM_KEY);
  const ctx: PageContext = {
    me: who.then((w) => w.me),
    team: remembered ? { id: remembered } : null,
    timeZone: sessionStorage.getItem(ZONE_KEY) ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
  const main = h('main', { id: 'page' });
  const nav = h(
    'nav',
    { 'aria-label': 'Pages' },
    h(
      'ul',
      {},
      PAGES.map((p) => h('li', {}, h('a', { href: `#/${p.path}`, 'data-page': p.path }, p.title))),
    ),
  );
  const pickers = h('span', { class: 'pickers' });
  replace(
    app,
    h(
      'header',
      {},
      h('span', { class: 'brand' }, 'Usage analytics'),
      nav,
      pickers,
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            session.signOut();
            signInForm();
          },
        },
        'Sign out',
      ),
    ),
    main,
  );

  function route(): void {
    if (leavePage) leavePage();
    const path = location.hash.replace(/^#\//, '') || 'overview';
    const page = PAGES.find((p) => p.path === path) ?? PAGES[0];
    nav
      .querySelectorAll('a')
      .forEach((a) =>
        a.dataset.page === page.path ? a.setAttribute('aria-current', 'page') : a.removeAttribute('aria-current'),
      );
    document.title = `${page.title} · Usage analytics`;
    replace(main, h('h1', {}, page.title));
    leavePage = page.page(ctx, main);
  }
  window.onhashchange = route;
  if (ctx.team) route();

  let answer: { me: Me; teams: TeamRef[] };
  try {
    answer = await who;
  } catch (error) {
    if (leavePage) leavePage();
    leavePage = undefined;
    session.signOut();
    return signInForm(error instanceof ApiError ? error.message : String(error));
  }
  const { me, teams } = answer;
  // the remembered team may be gone (left, removed): the page shown for it is replaced
  const team = teams.find((t) => t.id === ctx.team?.id) ?? teams[0] ?? null;
  const shownRight = ctx.team !== null && team?.id === ctx.team.id;
  ctx.team = team;
  sessionStorage.setItem(TEAM_KEY, team?.id ?? '');
  // the page's reads go out before the pickers are drawn (the time zone list has 400-odd options)
  if (!shownRight) route();
  replace(
    pickers,
    h('label', { for: 'team' }, 'Team'),
    h(
      'select',
      {
        id: 'team',
        onchange: (e: Event) => {
          ctx.team = teams.find((t) => t.id === (e.target as HTMLSelectElement).value) ?? null;
          sessionStorage.setItem(TEAM_KEY, ctx.team?.id ?? '');
          route();
        },
      },
      teams.map((t) => h('option', { value: t.id, selected: t.id === team?.id }, t.name)),
    ),
    h('label', { for: 'timezone' }, 'Time zone'),
    h(
      'select',
      {
        id: 'timezone',
        onchange: (e: Event) => {
          ctx.timeZone = (e.target as HTMLSelectElement).value;
          sessionStorage.setItem(ZONE_KEY, ctx.timeZone);
          route();
        },
      },
      zoneChoices(ctx.timeZone).map((z) => h('option', { value: z, selected: z === ctx.timeZone }, z)),
    ),
    h('span', { class: 'who' }, me.username),
  );
}

void start();
