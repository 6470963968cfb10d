import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The detector on /metrics: how long a run takes, what it found, how much it watches. */
export class AnomalyMetrics {
  readonly runSeconds: Histogram;
  readonly runFailures: Counter;
  readonly opened: Counter;
  readonly resolved: Counter;
  readonly open: Gauge;
  readonly series: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.runSeconds = new Histogram({
      name: 'anomaly_detector_run_seconds',
      help: 'One detector run: reading the minutes since the last run, judging them, storing the changes',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.runFailures = new Counter({
      name: 'anomaly_detector_run_failures_total',
      help: 'Detector runs that failed (the next run reads the same minutes again)',
      registers,
    });
    this.opened = new Counter({
      name: 'anomaly_incidents_opened_total',
      help: 'Anomaly incidents opened',
      labelNames: ['metric', 'dimension'],
      registers,
    });
    this.resolved = new Counter({
      name: 'anomaly_incidents_resolved_total',
      help: 'Anomaly incidents resolved',
      labelNames: ['metric', 'dimension'],
      registers,
    });
    this.open = new Gauge({ name: 'anomaly_incidents_open', help: 'Anomaly incidents open now', registers });
    this.series = new Gauge({
      name: 'anomaly_detector_series',
      help: 'Series (platform, teams, models, keys) the detector keeps a baseline for',
      registers,
    });
  }
}
