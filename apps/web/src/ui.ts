import { ApiError } from './api';
import { h, replace } from './dom';

export interface TeamRef {
  id: string;
  name: string;
}

export interface Me {
  id: string;
  username: string;
  platformRoles: string[];
}

/**
 * What every page gets: who is signed in, the team in view and the time zone picked. `me` is a
 * promise because a tab that remembers its team renders the page while `me` is still on its way.
 */
export interface PageContext {
  me: Promise<Me>;
  team: Pick<TeamRef, 'id'> | null;
  timeZone: string;
}

/** Renders into root; returns what to stop (subscriptions) when the page is left. */
export type Page = (ctx: PageContext, root: HTMLElement) => (() => void) | void;

export type RangeChoice = { preset: string } | { from: string; to: string };

export function timeRange(choice: RangeChoice, timeZone: string): Record<string, string> {
  return { ...choice, timeZone };
}

/** Buckets fine enough to see a day's cycle, coarse enough to stay within the API's limits. */
export function granularityFor(choice: RangeChoice): string {
  const hours =
    'preset' in choice
      ? (({ LAST_HOUR: 1, TODAY: 24, LAST_1_DAY: 24, LAST_3_DAYS: 72 } as Record<string, number>)[choice.preset] ?? 720)
      : (Date.parse(choice.to) - Date.parse(choice.from)) / 3_600_000;
  if (hours <= 1) return 'MINUTE';
  if (hours <= 6) return 'FIVE_MINUTES';
  if (hours <= 72) return 'HOUR';
  return 'DAY';
}

export const PRESET_LABELS: Record<string, string> = {
  LAST_HOUR: '1 hour',
  TODAY: 'Today',
  LAST_1_DAY: 'Last 1 day',
  LAST_3_DAYS: 'Last 3 days',
  LAST_7_DAYS: 'Last 7 days',
  LAST_14_DAYS: 'Last 14 days',
  LAST_30_DAYS: 'Last 30 days',
};

/** Preset buttons and a custom from/to (read in the browser's clock, sent as instants). */
export function rangePicker(
  presets: string[],
  initial: RangeChoice,
  onChange: (choice: RangeChoice) => void,
): HTMLElement {
  const from = h('input', { type: 'datetime-local', id: 'range-from' });
  const to = h('input', { type: 'datetime-local', id: 'range-to' });
  const buttons = presets.map((preset) =>
    h(
      'button',
      {
        type: 'button',
        class: 'preset',
        'data-preset': preset,
        'aria-pressed': 'preset' in initial && initial.preset === preset ? 'true' : 'false',
        onclick: () => {
          buttons.forEach((b) => b.setAttribute('aria-pressed', b.dataset.preset === preset ? 'true' : 'false'));
          onChange({ preset });
        },
      },
      PRESET_LABELS[preset],
    ),
  );
  const apply = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        if (!from.value || !to.value) return;
        buttons.forEach((b) => b.setAttribute('aria-pressed', 'false'));
        onChange({ from: new Date(from.value).toISOString(), to: new Date(to.value).toISOString() });
      },
    },
    'Custom range',
  );
  return h(
    'fieldset',
    { class: 'range' },
    h('legend', {}, 'Time range'),
    buttons,
    h('label', { for: 'range-from' }, 'From'),
    from,
    h('label', { for: 'range-to' }, 'To'),
    to,
    apply,
  );
}

/** A KPI card: the formatted figure, and the API's raw value in data-value for checks. */
export function kpi(id: string, label: string, shown: string, raw: number | string | null): HTMLElement {
  return h(
    'div',
    { class: 'kpi', 'data-kpi': id, 'data-value': raw === null ? '' : String(raw) },
    h('span', { class: 'kpi-label' }, label),
    h('strong', { class: 'kpi-value' }, shown),
  );
}

/** Where a page says what went wrong, in the API's words (a rule's message for CONFLICT). */
export function messageArea(): { el: HTMLElement; show: (error: unknown) => void; info: (text: string) => void } {
  const el = h('div', { class: 'message', role: 'status', 'aria-live': 'polite' });
  return {
    el,
    show(error: unknown) {
      el.className = 'message error';
      replace(el, error instanceof ApiError ? `${error.code}: ${error.message}` : String(error));
    },
    info(text: string) {
      el.className = 'message info';
      replace(el, text);
    },
  };
}

export function table(
  caption: string,
  headers: Array<string | HTMLElement>,
  rows: Array<Array<string | number | Node>>,
  attrs: Record<string, string> = {},
): HTMLTableElement {
  return h(
    'table',
    attrs,
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((cells) =>
        h(
          'tr',
          {},
          cells.map((c) => h('td', {}, c)),
        ),
      ),
    ),
  );
}

export function section(title: string, ...children: Array<Node | string | null>): HTMLElement {
  return h('section', { class: 'card' }, h('h2', {}, title), children);
}

export function select(
  id: string,
  label: string,
  options: Array<[string, string]>,
  value: string,
  onChange?: (value: string) => void,
): HTMLElement {
  const el = h(
    'select',
    { id, onchange: (e: Event) => onChange?.((e.target as HTMLSelectElement).value) },
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
  );
  return h('span', { class: 'field' }, h('label', { for: id }, label), el);
}

/** The value of a form control built by select() or h('input'), by id. */
export function valueOf(root: ParentNode, id: string): string {
  return root.querySelector<HTMLInputElement | HTMLSelectElement>(`#${id}`)?.value ?? '';
}

export function toCsv(rows: Array<Array<string | number>>): Blob {
  const cell = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return new Blob([rows.map((r) => r.map(cell).join(',')).join('\n') + '\n'], { type: 'text/csv' });
}
