import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { logger } from '@app/observability';
import { AlertsMetrics } from '../alerts.metrics';
import { DeliveryRow, WebhookRepository } from '../persistence';
import { retryDelayMs } from './backoff';
import { SecretBox } from './secret-box';
import { DELIVERY_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature';
import { isForbiddenAddress, WebhookUrlGuard } from './url-guard';

const BATCH = 20;
const MAX_ERROR_LENGTH = 500;

interface AttemptOutcome {
  httpStatus: number | null;
  latencyMs: number;
  error: string | null;
}

/**
 * Sends the outbox (webhook_deliveries): claims due deliveries (SKIP LOCKED, with a lease, so
 * several processes share the work and a crash mid-attempt only delays a delivery), posts each
 * signed, logs every attempt, and retries failures with exponential backoff and jitter until
 * the retry window (at least 24 h) has passed. A delivery may reach its endpoint more than once
 * (a crash after the endpoint answered, before the row was marked); its id header is the same
 * every time, for the receiver to drop repeats.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly deliveries: WebhookRepository;
  private readonly guard: WebhookUrlGuard;
  private readonly box?: SecretBox;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    @InjectDataSource() postgres: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: AlertsMetrics,
  ) {
    this.deliveries = new WebhookRepository(postgres);
    this.guard = new WebhookUrlGuard(config.webhooks.allowedHosts);
    if (config.webhooks.secretKey) this.box = new SecretBox(config.webhooks.secretKey);
  }

  onApplicationBootstrap(): void {
    if (this.config.webhooks.dispatchIntervalMs > 0 && this.box) this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.dispatchDue()
        .catch((error: unknown) => {
          logger.warn('webhook dispatch failed', { error: String(error) });
          return 0;
        })
        .finally(() => this.schedule());
    }, this.config.webhooks.dispatchIntervalMs);
  }

  /** One round: every due delivery (in batches) gets one attempt. Answers how many were attempted. */
  async dispatchDue(): Promise<number> {
    if (!this.box) return 0;
    const leaseMs = this.config.webhooks.timeoutMs + 30_000;
    let attempted = 0;
    for (;;) {
      const due = await this.deliveries.claimDue(BATCH, leaseMs);
      await Promise.all(due.map((d) => this.attempt(d)));
      attempted += due.length;
      if (due.length < BATCH || this.stopped) break;
    }
    this.metrics.pending.set(await this.deliveries.pendingCount());
    return attempted;
  }

  private async attempt(delivery: DeliveryRow): Promise<void> {
    const outcome = await this.post(delivery);
    await this.deliveries.recordAttempt(delivery, outcome);
    const ok = outcome.httpStatus !== null && outcome.httpStatus >= 200 && outcome.httpStatus < 300;
    if (ok) {
      await this.deliveries.markDelivered(delivery.id);
      this.metrics.delivered.inc();
      return;
    }
    this.metrics.failedAttempts.inc();
    const { retryWindowMs, backoffBaseMs, backoffMaxMs } = this.config.webhooks;
    if (Date.now() - delivery.created_at.getTime() >= retryWindowMs) {
      await this.deliveries.markFailed(delivery.id);
      this.metrics.abandoned.inc();
      logger.warn('webhook delivery abandoned after its retry window', { deliveryId: delivery.id });
      return;
    }
    await this.deliveries.retryAt(
      delivery.id,
      new Date(Date.now() + retryDelayMs(delivery.attempts, backoffBaseMs, backoffMaxMs)),
    );
  }

  private post(delivery: DeliveryRow): Promise<AttemptOutcome> {
    const started = Date.now();
    const done = (httpStatus: number | null, error: string | null): AttemptOutcome => ({
      httpStatus,
      latencyMs: Date.now() - started,
      error: error?.slice(0, MAX_ERROR_LENGTH) ?? null,
    });
    let url: URL;
    let secret: string;
    try {
      url = new URL(delivery.url);
      secret = this.box!.open(delivery.secret_ciphertext);
    } catch (error) {
      return Promise.resolve(done(null, `cannot prepare the delivery: ${(error as Error).message}`));
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) && isForbiddenAddress(host) && !this.config.webhooks.allowedHosts.includes(host.toLowerCase())) {
      return Promise.resolve(done(null, 'refused: the endpoint address is private, loopback or link-local'));
    }
    const body = Buffer.from(delivery.body);
    const signature = signatureHeader(secret, delivery.body, Math.floor(Date.now() / 1000));
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      const request = client.request(
        url,
        {
          method: 'POST',
          lookup: this.guard.lookupFor(url),
          timeout: this.config.webhooks.timeoutMs,
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            'user-agent': 'usage-analytics-webhooks/1',
            [SIGNATURE_HEADER]: signature,
            [DELIVERY_ID_HEADER]: delivery.id,
          },
        },
        (response) => {
          // the answer's body is not needed: drain it so the socket is released
          response.resume();
          response.on('end', () => resolve(done(response.statusCode ?? null, null)));
          response.on('error', (error) => resolve(done(response.statusCode ?? null, error.message)));
        },
      );
      request.on('timeout', () => request.destroy(new Error(`timed out after ${this.config.webhooks.timeoutMs} ms`)));
      request.on('error', (error) => resolve(done(null, error.message)));
      request.end(body);
    });
  }
}
