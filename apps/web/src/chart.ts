import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom';

/** One line or bar per series over shared time buckets (seconds since the epoch). */
export interface ChartData {
  times: number[];
  series: Array<{ label: string; values: Array<number | null> }>;
}

const PALETTE = ['#1f5fbf', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0e7490', '#a16207', '#be185d', '#4d7c0f'];

export function color(index: number): string {
  return PALETTE[index % PALETTE.length];
}

/** Aligns the API's series (each its own points) on the union of their bucket times. */
export function alignSeries(
  series: Array<{ label: string; points: Array<{ t: string; value: number | null }> }>,
): ChartData {
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => Date.parse(p.t) / 1000)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  return {
    times,
    series: series.map((s) => {
      const values: Array<number | null> = times.map(() => null);
      for (const p of s.points) values[index.get(Date.parse(p.t) / 1000)!] = p.value;
      return { label: s.label, values };
    }),
  };
}

export interface ChartOptions {
  title: string;
  timeZone: string;
  bars?: boolean;
  /** bars stacked: each series drawn on top of the ones before it */
  stacked?: boolean;
  height?: number;
  width?: number;
}

/**
 * A uPlot chart in a figure with its title; the legend (click a name to hide its series) is
 * uPlot's own. Returns the figure; the chart is destroyed when the figure leaves the page.
 */
export function chart(data: ChartData, options: ChartOptions): HTMLElement {
  const figure = h('figure', { class: 'chart' }, h('figcaption', {}, options.title));
  if (!data.times.length) {
    figure.append(h('p', { class: 'empty' }, 'No calls in this range yet.'));
    return figure;
  }
  let drawn = data.series.map((s, i) => ({ label: s.label, stroke: color(i), values: s.values }));
  if (options.stacked) {
    const sums = data.times.map(() => 0);
    drawn = drawn.map((s) => ({ ...s, values: s.values.map((v, i) => (sums[i] += v ?? 0)) }));
    // uPlot paints in order: the tallest (cumulative) bars first, so every lower series stays visible
    drawn.reverse();
  }
  const bars = options.bars ? uPlot.paths.bars!({ size: [0.7, 48] }) : undefined;
  const plot = new uPlot(
    {
      width: options.width ?? 760,
      height: options.height ?? 260,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), options.timeZone),
      series: [
        {},
        ...drawn.map((s) => ({
          label: s.label,
          stroke: s.stroke,
          fill: options.bars ? s.stroke : undefined,
          paths: bars,
          width: options.bars ? 0 : 2,
        })),
      ],
      axes: [{}, { size: 70 }],
    },
    [data.times, ...drawn.map((s) => s.values)] as uPlot.AlignedData,
  );
  figure.append(plot.root);
  const observer = new MutationObserver(() => {
    if (!figure.isConnected) {
      plot.destroy();
      observer.disconnect();
    }
  });
  observer.observe(document.body, { childList: true, subtree: true });
  return figure;
}
