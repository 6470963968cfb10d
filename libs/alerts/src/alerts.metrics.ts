import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Alerting's figures on /metrics: deliveries made, failed attempts, what waits, and the evaluator's run time. */
@Injectable()
export class AlertsMetrics {
  readonly delivered: Counter;
  readonly failedAttempts: Counter;
  readonly abandoned: Counter;
  readonly pending: Gauge;
  readonly evaluationSeconds: Histogram;

  constructor(registry: Registry) {
    this.delivered = new Counter({
      name: 'webhook_deliveries_delivered_total',
      help: 'Webhook deliveries acknowledged by their endpoint with a 2xx',
      registers: [registry],
    });
    this.failedAttempts = new Counter({
      name: 'webhook_delivery_attempts_failed_total',
      help: 'Webhook delivery attempts that failed (non-2xx, refused, timed out); retried with backoff',
      registers: [registry],
    });
    this.abandoned = new Counter({
      name: 'webhook_deliveries_failed_total',
      help: 'Webhook deliveries given up after the retry window',
      registers: [registry],
    });
    this.pending = new Gauge({
      name: 'webhook_deliveries_pending',
      help: 'Webhook deliveries waiting for their next attempt (as of the last dispatcher run)',
      registers: [registry],
    });
    this.evaluationSeconds = new Histogram({
      name: 'alerts_evaluation_seconds',
      help: 'Time one evaluation of every alert rule and budget took',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
  }
}
