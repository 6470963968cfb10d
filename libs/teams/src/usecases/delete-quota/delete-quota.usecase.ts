import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/errors';
import { requireRole, TeamTransactions } from '../team-transaction';
import { DeleteQuotaCommand } from './delete-quota.command';

/** Owners and Admins (as for setting it) lift a quota: its subject is no longer limited by it. */
@Injectable()
export class DeleteQuota {
  constructor(private readonly transactions: TeamTransactions) {}

  async execute(command: DeleteQuotaCommand, actorId: string): Promise<boolean> {
    const found = await this.transactions.store.quotas.byId(command.quotaId);
    if (!found) throw new NotFoundError(`quota ${command.quotaId} does not exist`);
    return this.transactions.inTeam(found.team_id, actorId, async (tx) => {
      requireRole(tx, ['OWNER', 'ADMIN'], 'deleting quotas');
      // under the team lock: a concurrent delete has finished by now, and took it
      if (!(await tx.store.quotas.delete(found.id))) throw new NotFoundError(`quota ${command.quotaId} does not exist`);
      await tx.emit('QuotaDeleted', {
        quotaId: found.id,
        userId: found.user_id,
        apiKeyId: found.api_key_id,
        unit: found.unit,
        period: found.period,
      });
      return true;
    });
  }
}
