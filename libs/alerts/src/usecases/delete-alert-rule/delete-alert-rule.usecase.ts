import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/errors';
import { AlertsAccess, AlertsActor } from '../../access/alerts-access';
import { AlertRaiser } from '../../alert-raiser';

/** Removes a rule; the events it raised stay (without their rule). */
@Injectable()
export class DeleteAlertRule {
  constructor(
    private readonly access: AlertsAccess,
    private readonly raiser: AlertRaiser,
  ) {}

  async execute(id: string, actor: AlertsActor): Promise<boolean> {
    const existing = await this.raiser.transaction((store) => store.rules.byId(id));
    if (!existing) throw new NotFoundError(`alert rule ${id} does not exist`);
    await this.access.requireManager(actor, existing.team_id, 'alert rules');
    return this.raiser.transaction((store) => store.rules.delete(id));
  }
}
