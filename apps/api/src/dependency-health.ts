import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Admin } from 'kafkajs';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ClickHouseGateway } from '@app/clickhouse';
import { logger } from '@app/observability';

export type DependencyName = 'clickhouse' | 'kafka' | 'postgres';

export interface DependencyState {
  status: 'up' | 'down' | 'unknown';
  /** when the last probe ended (ISO 8601); null before the first */
  checkedAt: string | null;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  dependencies: {
    clickhouse: DependencyState & { mode: 'server' | 'embedded' };
    kafka: DependencyState;
    postgres: DependencyState;
  };
}

const NAMES: DependencyName[] = ['clickhouse', 'kafka', 'postgres'];

/**
 * The dependencies' state, probed in the background (every HEALTH_CHECK_INTERVAL_MS, each
 * probe bounded by HEALTH_PROBE_TIMEOUT_MS) so that GET /health answers at once and costs
 * nothing: a caller polling it cannot make the service open connections. Kafka is probed over
 * one long-lived admin client, replaced only after it failed. Probe errors go to the log
 * (on each change of state), never into the report.
 */
@Injectable()
export class DependencyHealth implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly states = new Map<DependencyName, DependencyState>(
    NAMES.map((n) => [n, { status: 'unknown', checkedAt: null }]),
  );
  // a probe still running (timed out, not yet settled) is not started again
  private readonly pending = new Map<DependencyName, Promise<void>>();
  private timer?: NodeJS.Timeout;
  private admin?: Admin;
  private stopped = false;
  /** Kafka admin clients created so far: one while Kafka stays up, whatever /health's traffic. */
  kafkaAdminsCreated = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clickhouse: ClickHouseGateway,
    private readonly kafka: Kafka,
    @InjectDataSource() private readonly postgres: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // the first report is known before the service takes traffic
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.config.health.checkIntervalMs);
    this.timer.unref();
  }

  // before the clients close: no probe runs on a closed client, and the admin client goes too
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await withTimeout(Promise.allSettled([...this.pending.values()]), this.config.health.probeTimeoutMs).catch(
      () => undefined,
    );
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  report(): HealthReport {
    const state = (name: DependencyName) => ({ ...this.states.get(name)! });
    const dependencies = {
      clickhouse: { ...state('clickhouse'), mode: this.clickhouse.mode },
      kafka: state('kafka'),
      postgres: state('postgres'),
    };
    const up = NAMES.every((n) => this.states.get(n)!.status === 'up');
    return { status: up ? 'ok' : 'degraded', dependencies };
  }

  /** Probes every dependency once (concurrently) and records the outcome. */
  async refresh(): Promise<void> {
    await Promise.all([
      this.probe('clickhouse', async () => {
        if (!(await this.clickhouse.ping())) throw new Error('ping failed');
      }),
      this.probe('kafka', () => this.probeKafka()),
      this.probe('postgres', () => this.postgres.query('SELECT 1')),
    ]);
  }

  private async probe(name: DependencyName, run: () => Promise<unknown>): Promise<void> {
    if (this.stopped) return;
    let error: unknown;
    if (this.pending.has(name)) {
      error = new Error('the previous probe has not settled yet');
    } else {
      const running = run().then(() => undefined);
      const tracked = running.catch(() => undefined).finally(() => this.pending.delete(name));
      this.pending.set(name, tracked);
      try {
        await withTimeout(running, this.config.health.probeTimeoutMs);
      } catch (e) {
        error = e;
      }
    }
    this.record(name, error);
  }

  private record(name: DependencyName, error: unknown): void {
    const status = error === undefined ? 'up' : 'down';
    const before = this.states.get(name)!.status;
    this.states.set(name, { status, checkedAt: new Date().toISOString() });
    if (status === before) return;
    if (status === 'down')
      logger.warn('dependency down', { dependency: name, error: (error as Error)?.message ?? String(error) });
    else logger.info('dependency up', { dependency: name });
  }

  private async probeKafka(): Promise<void> {
    if (!this.admin) {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      this.kafkaAdminsCreated++;
      try {
        await admin.connect();
      } catch (error) {
        await admin.disconnect().catch(() => undefined);
        throw error;
      }
      if (this.stopped) {
        await admin.disconnect().catch(() => undefined);
        return;
      }
      this.admin = admin;
    }
    const admin = this.admin;
    try {
      await admin.describeCluster();
    } catch (error) {
      // a client that failed may hold broken connections: the next probe starts afresh
      if (this.admin === admin) this.admin = undefined;
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
