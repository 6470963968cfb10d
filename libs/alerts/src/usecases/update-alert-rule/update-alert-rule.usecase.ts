import { Injectable } from '@nestjs/common';
import { BadUserInputError, NotFoundError } from '@app/errors';
import { AlertsAccess, AlertsActor } from '../../access/alerts-access';
import { AlertRaiser } from '../../alert-raiser';
import type { AlertRuleRow } from '../../persistence';
import { AlertRuleCommand, ruleSetting } from '../alert-rule.command';
import { ruleWebhooks } from '../rule-webhooks';

/** Replaces a rule's definition (its state restarts from "not firing"); a rule stays in its team. */
@Injectable()
export class UpdateAlertRule {
  constructor(
    private readonly access: AlertsAccess,
    private readonly raiser: AlertRaiser,
  ) {}

  async execute(id: string, command: AlertRuleCommand, actor: AlertsActor): Promise<AlertRuleRow> {
    const existing = await this.raiser.transaction((store) => store.rules.byId(id));
    if (!existing) throw new NotFoundError(`alert rule ${id} does not exist`);
    const teamId = existing.team_id;
    await this.access.requireManager(actor, teamId, 'alert rules');
    if (command.teamId !== undefined && command.teamId !== null && command.teamId !== teamId) {
      throw new BadUserInputError('teamId: a rule cannot move to another team; create a new one');
    }
    const filter = await this.access.ruleFilter(teamId, command.filter);
    return this.raiser.transaction(async (store) => {
      const webhookIds = await ruleWebhooks(store, command.webhookIds ?? [], teamId);
      const updated = await store.rules.update(id, ruleSetting(command, teamId, filter, webhookIds));
      if (!updated) throw new NotFoundError(`alert rule ${id} does not exist`);
      return updated;
    });
  }
}
