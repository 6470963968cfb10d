import { Controller, Get, Global, Header, Headers, Inject, Module } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { APP_CONFIG, AppConfig } from '@app/config';
import { bearerToken, Public, UnauthenticatedError } from '@app/auth';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * GET /metrics: the registry as it stands. Gauges that need a query (ClickHouse parts) are
 * refreshed in the background, so a scrape costs no engine work. With METRICS_TOKEN set it
 * takes `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time), not a user token.
 */
@Controller()
export class MetricsController {
  private readonly tokenDigest?: Buffer;

  constructor(
    @Inject(Registry) private readonly registry: Registry,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.tokenDigest = config.metrics.token ? digest(config.metrics.token) : undefined;
  }

  @Public()
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(@Headers('authorization') authorization?: string): Promise<string> {
    if (this.tokenDigest) {
      const token = bearerToken(authorization);
      // digests have one length, so the comparison takes the same time whatever was sent
      if (!token || !timingSafeEqual(digest(token), this.tokenDigest)) {
        throw new UnauthenticatedError('GET /metrics needs the metrics bearer token');
      }
    }
    return this.registry.metrics();
  }
}

/** One Prometheus registry per process, served at GET /metrics. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: Registry,
      useFactory: () => {
        const registry = new Registry();
        collectDefaultMetrics({ register: registry });
        return registry;
      },
    },
  ],
  exports: [Registry],
})
export class MetricsModule {}
