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

/** The plotted series: cumulative values when stacked, the tallest first (uPlot paints in order). */
function drawnSeries(
  data: ChartData,
  stacked: boolean,
): Array<{ label: string; stroke: string; values: Array<number | null> }> {
  let drawn = data.series.map((s, i) => ({ label: s.label, stroke: color(i), values: s.values }));
  if (stacked) {
    const sums = data.times.map(() => 0);
    drawn = drawn.map((s) => ({ ...s, values: s.values.map((v, i) => (sums[i] += v ?? 0)) }));
    // the tallest (cumulative) bars first, so every lower series stays visible
    drawn.reverse();
  }
  return drawn;
}

/** A drawn chart, for updating it in place: its plot and what it was drawn with. */
const drawnCharts = new WeakMap<HTMLElement, { plot: uPlot; labels: string; options: ChartOptions }>();

/**
 * The figure states the values it shows (the API's points, not the stacked sums) as data-chart:
 * what a reader of the DOM, a test or assistive script, compares with the API's answer.
 */
function showValues(figure: HTMLElement, data: ChartData): void {
  figure.dataset.chart = JSON.stringify(data);
}

/**
 * A uPlot chart in a figure with its title; the legend (click a name to hide its series) is
 * uPlot's own. Returns the figure; the chart is destroyed when the figure leaves the page.
 */
export function chart(data: ChartData, options: ChartOptions): HTMLElement {
  const figure = h('figure', { class: 'chart' }, h('figcaption', {}, options.title));
  showValues(figure, data);
  if (!data.times.length) {
    figure.append(h('p', { class: 'empty' }, 'No calls in this range yet.'));
    return figure;
  }
  const drawn = drawnSeries(data, !!options.stacked);
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
  drawnCharts.set(figure, { plot, labels: JSON.stringify(data.series.map((s) => s.label)), options });
  const observer = new MutationObserver(() => {
    if (!figure.isConnected) {
      plot.destroy();
      drawnCharts.delete(figure);
      observer.disconnect();
    }
  });
  observer.observe(document.body, { childList: true, subtree: true });
  return figure;
}

/**
 * New values for a chart on the page (live mode): drawn in place when it has the same series,
 * so a series hidden in the legend stays hidden and nothing flickers; otherwise (a new series,
 * an empty chart) a new chart takes the figure's place. Returns the figure now on the page.
 */
export function updateChart(figure: HTMLElement, data: ChartData, options: ChartOptions): HTMLElement {
  const drawnChart = drawnCharts.get(figure);
  const sameSeries = drawnChart && drawnChart.labels === JSON.stringify(data.series.map((s) => s.label));
  if (!drawnChart || !sameSeries || !data.times.length || drawnChart.options.title !== options.title) {
    const next = chart(data, options);
    figure.replaceWith(next);
    return next;
  }
  const drawn = drawnSeries(data, !!options.stacked);
  drawnChart.plot.setData([data.times, ...drawn.map((s) => s.values)] as uPlot.AlignedData);
  showValues(figure, data);
  return figure;
}
