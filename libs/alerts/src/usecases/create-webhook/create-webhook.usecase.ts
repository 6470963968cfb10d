import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AlertsAccess, AlertsActor } from '../../access/alerts-access';
import { AlertRaiser } from '../../alert-raiser';
import { WebhooksNotConfiguredError } from '../../alerts.errors';
import type { WebhookRow } from '../../persistence';
import { SecretBox } from '../../webhooks/secret-box';
import { WebhookUrlGuard } from '../../webhooks/url-guard';
import { CreateWebhookCommand } from './create-webhook.command';

/**
 * An endpoint for a team's (or the platform's) alerts. Its URL must be http(s) and reach a
 * public address; its signing secret is made here, answered once, and stored encrypted.
 */
@Injectable()
export class CreateWebhook {
  private readonly box?: SecretBox;
  private readonly guard: WebhookUrlGuard;

  constructor(
    private readonly access: AlertsAccess,
    private readonly raiser: AlertRaiser,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    if (config.webhooks.secretKey) this.box = new SecretBox(config.webhooks.secretKey);
    this.guard = new WebhookUrlGuard(config.webhooks.allowedHosts);
  }

  async execute(command: CreateWebhookCommand, actor: AlertsActor): Promise<{ webhook: WebhookRow; secret: string }> {
    const teamId = command.teamId ?? null;
    await this.access.requireManager(actor, teamId, 'webhooks');
    if (!this.box) throw new WebhooksNotConfiguredError();
    const url = await this.guard.check(command.url);
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const webhook = await this.raiser.transaction((store) =>
      store.webhooks.insert(teamId, url.toString(), this.box!.seal(secret), actor.userId),
    );
    return { webhook, secret };
  }
}
