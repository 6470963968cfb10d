import { Injectable } from '@nestjs/common';
import { AlertsAccess, AlertsActor } from '../../access/alerts-access';
import { AlertRaiser } from '../../alert-raiser';
import type { AlertRuleRow } from '../../persistence';
import { AlertRuleCommand, ruleSetting } from '../alert-rule.command';
import { ruleWebhooks } from '../rule-webhooks';

/** Team OWNERs and ADMINs add their team's rules; platform ADMIN and SRE the platform's. */
@Injectable()
export class CreateAlertRule {
  constructor(
    private readonly access: AlertsAccess,
    private readonly raiser: AlertRaiser,
  ) {}

  async execute(command: AlertRuleCommand, actor: AlertsActor): Promise<AlertRuleRow> {
    const teamId = command.teamId ?? null;
    await this.access.requireManager(actor, teamId, 'alert rules');
    const filter = await this.access.ruleFilter(teamId, command.filter);
    return this.raiser.transaction(async (store) => {
      const webhookIds = await ruleWebhooks(store, command.webhookIds ?? [], teamId);
      return store.rules.insert(ruleSetting(command, teamId, filter, webhookIds), actor.userId);
    });
  }
}
