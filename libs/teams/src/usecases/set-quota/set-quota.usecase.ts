import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@app/errors';
import type { QuotaRow } from '../../persistence';
import { requireRole, TeamTransactions } from '../team-transaction';
import { SetQuotaCommand } from './set-quota.command';

/** Owners and Admins limit a member, one of the team's keys or (neither given) the whole team, per unit and period. */
@Injectable()
export class SetQuota {
  constructor(private readonly transactions: TeamTransactions) {}

  async execute(command: SetQuotaCommand, actorId: string): Promise<QuotaRow> {
    if (command.userId && command.apiKeyId) {
      throw new ConflictError(
        'a quota is set for a member (userId), a key (apiKeyId) or, with neither, the whole team',
      );
    }
    return this.transactions.inTeam(command.teamId, actorId, async (tx) => {
      requireRole(tx, ['OWNER', 'ADMIN'], 'setting quotas');
      if (command.userId && !(await tx.store.memberships.roleOf(tx.team.id, command.userId))) {
        throw new NotFoundError('that user is not a member of the team');
      }
      if (command.apiKeyId) {
        const key = await tx.store.apiKeys.byId(command.apiKeyId);
        if (key?.team_id !== tx.team.id) throw new NotFoundError('that API key does not belong to the team');
      }
      const quota = await tx.store.quotas.upsert({
        teamId: tx.team.id,
        userId: command.userId ?? null,
        apiKeyId: command.apiKeyId ?? null,
        unit: command.unit,
        period: command.period,
        limit: command.limit,
      });
      await tx.emit('QuotaSet', {
        quotaId: quota.id,
        userId: quota.user_id,
        apiKeyId: quota.api_key_id,
        unit: command.unit,
        period: command.period,
        limit: command.limit,
      });
      return quota;
    });
  }
}
