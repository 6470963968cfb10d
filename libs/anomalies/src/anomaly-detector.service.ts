import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Registry } from 'prom-client';
import { ClickHouseGateway } from '@app/clickhouse';
import { APP_CONFIG, AppConfig } from '@app/config';
import { logger } from '@app/observability';
import { AnomalyIncidents } from './anomaly-incidents';
import { AnomalyMetrics } from './anomaly.metrics';
import { AnomalyStore } from './anomaly.store';
import { DEFAULT_DETECTOR_PARAMS, DetectorParams, IncidentChange } from './detector/detector';
import { DetectorRunner, IncidentSink, RunOutcome } from './detector-runner';
import { SeriesSource } from './series-source';

export function detectorParams(config: AppConfig['anomalies']): DetectorParams {
  return {
    ...DEFAULT_DETECTOR_PARAMS,
    openScore: config.openScore,
    resolveScore: Math.min(DEFAULT_DETECTOR_PARAMS.resolveScore, config.openScore),
    openAfterMinutes: config.openAfterMinutes,
    resolveAfterMinutes: config.resolveAfterMinutes,
    minCalls: config.minCalls,
    minRequestsPerMinute: config.minCalls,
  };
}

/**
 * The live detector of this process: a run every ANOMALY_DETECTOR_INTERVAL_MS (never two at
 * once), or by hand (`runAt(now)`) when the interval is 0. Several replicas may run it: the
 * store opens and resolves an incident once, and only the run whose write took effect publishes.
 */
@Injectable()
export class AnomalyDetectorService implements OnApplicationBootstrap, BeforeApplicationShutdown, IncidentSink {
  private readonly runner: DetectorRunner;
  private readonly metrics: AnomalyMetrics;
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    @Inject(ClickHouseGateway) ch: ClickHouseGateway,
    private readonly store: AnomalyStore,
    private readonly incidents: AnomalyIncidents,
    @Inject(Registry) registry: Registry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.metrics = new AnomalyMetrics(registry);
    this.runner = new DetectorRunner(new SeriesSource(ch), this, {
      params: detectorParams(config.anomalies),
      seasonalWeeks: config.anomalies.seasonalWeeks,
      lagMinutes: config.anomalies.lagMinutes,
      maxCatchUpMinutes: 60,
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.anomalies.intervalMs > 0) this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running.catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runAt(Date.now())
        .catch((error) =>
          logger.warn('anomaly detector run failed; the next run starts over', { error: String(error) }),
        )
        .finally(() => this.schedule(this.config.anomalies.intervalMs));
    }, ms);
  }

  /** One run as of `now` (ms): judges the complete minutes since the last run. */
  async runAt(now: number): Promise<RunOutcome> {
    const stop = this.metrics.runSeconds.startTimer();
    try {
      const outcome = await this.runner.run(now);
      this.metrics.series.set(this.runner.seriesCount);
      this.metrics.open.set(await this.store.countOpen());
      return outcome;
    } catch (error) {
      this.metrics.runFailures.inc();
      throw error;
    } finally {
      stop();
    }
  }

  async apply(changes: readonly IncidentChange[]): Promise<void> {
    for (const change of changes) {
      const labels = { metric: change.metric, dimension: change.series.dimension ?? 'PLATFORM' };
      if (change.kind === 'opened') {
        const row = await this.store.open(change);
        if (!row) continue;
        this.metrics.opened.inc(labels);
        this.incidents.publish({ kind: 'opened', anomaly: row });
      } else if (change.kind === 'updated') {
        await this.store.update(change);
      } else {
        const row = await this.store.resolve(change);
        if (!row) continue;
        this.metrics.resolved.inc(labels);
        this.incidents.publish({ kind: 'resolved', anomaly: row });
      }
    }
  }

  openIncidents(): ReturnType<AnomalyStore['openIncidents']> {
    return this.store.openIncidents();
  }
}
