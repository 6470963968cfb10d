import { ApiError, subscribe } from './api';
import { h } from './dom';

export interface LiveOptions {
  /** the UsageSummary fields the page's KPI cards show */
  fields: string;
  /** the page's filter now: the subscription follows it when it changes */
  filter: () => Record<string, unknown>;
  /** each pushed summary, as it comes */
  onSummary: (summary: unknown) => void;
  /** reads the page's charts and tables again */
  reread: () => Promise<void>;
  onError: (error: ApiError) => void;
}

/**
 * A page's live mode on the usageLive subscription. The server polls each distinct filter once a
 * second and pushes its summary only when it changed, so a push means this filter's usage moved:
 * the KPI cards take the pushed summary, and the charts and tables are read again, at most one
 * read at a time (pushes during a read make one more read after it, not one each). Nothing is
 * read on a timer: an idle filter costs the page no reads.
 */
export function liveMode(options: LiveOptions): { toggle: HTMLElement; follow: () => void; stop: () => void } {
  let stopSubscription: (() => void) | undefined;
  let subscribedTo = '';
  let reading: Promise<void> | undefined;
  let readAgain = false;

  function reread(): void {
    if (reading) {
      readAgain = true;
      return;
    }
    reading = options.reread().finally(() => {
      reading = undefined;
      if (readAgain) {
        readAgain = false;
        reread();
      }
    });
  }

  function start(): void {
    stop();
    const filter = options.filter();
    subscribedTo = JSON.stringify(filter);
    stopSubscription = subscribe<{ usageLive: unknown }>(
      `subscription Live($f: UsageFilter!) { usageLive(filter: $f) { ${options.fields} } }`,
      { f: filter },
      (d) => {
        options.onSummary(d.usageLive);
        reread();
      },
      options.onError,
    );
  }

  function stop(): void {
    stopSubscription?.();
    stopSubscription = undefined;
    subscribedTo = '';
  }

  const input = h('input', {
    id: 'live',
    type: 'checkbox',
    onchange: (e: Event) => ((e.target as HTMLInputElement).checked ? start() : stop()),
  });
  return {
    toggle: h('p', { class: 'live' }, input, h('label', { for: 'live' }, ' Live mode')),
    /** after the page changed its filter: a live subscription moves to the new one */
    follow: () => {
      if (input.checked && JSON.stringify(options.filter()) !== subscribedTo) start();
    },
    stop,
  };
}
