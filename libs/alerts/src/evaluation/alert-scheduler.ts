import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { logger } from '@app/observability';
import { AlertsMetrics } from '../alerts.metrics';
import { BudgetEvaluator } from './budget-evaluator';
import { RuleEvaluator } from './rule-evaluator';

/**
 * Evaluates every threshold rule and budget every ALERTS_EVALUATION_INTERVAL_MS (a minute by
 * default; 0 turns the loop off, and tests call `runOnce` themselves). Runs never overlap in a
 * process; processes may overlap, which the rules' and budgets' state make harmless.
 */
@Injectable()
export class AlertScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly rules: RuleEvaluator,
    private readonly budgets: BudgetEvaluator,
    private readonly metrics: AlertsMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.alerts.evaluationIntervalMs > 0) this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  async runOnce(now = Date.now()): Promise<void> {
    const stop = this.metrics.evaluationSeconds.startTimer();
    try {
      await this.rules.evaluate(now);
      await this.budgets.evaluate(now);
    } finally {
      stop();
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((error: unknown) => logger.warn('alert evaluation failed', { error: String(error) }))
        .finally(() => this.schedule());
    }, this.config.alerts.evaluationIntervalMs);
  }
}
