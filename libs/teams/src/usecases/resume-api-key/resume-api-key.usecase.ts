import { Injectable } from '@nestjs/common';
import { ForbiddenError } from '@app/auth';
import { ConflictError, NotFoundError } from '@app/errors';
import type { ApiKeyRepository, ApiKeyRow } from '../../persistence';
import { REVOKED_KEY_MESSAGE } from '../suspend-api-key/suspend-api-key.usecase';
import { requireRole, TeamTransactions } from '../team-transaction';
import { ResumeApiKeyCommand } from './resume-api-key.command';

/**
 * As for revoking, Owners and Admins resume any key of their team; a holder resumes their own
 * key only when they suspended it themselves, so that a key an Owner or Admin stopped stays
 * stopped until one of them says otherwise. A revoked key is never resumed; resuming an active
 * key is harmless.
 */
@Injectable()
export class ResumeApiKey {
  constructor(private readonly transactions: TeamTransactions) {}

  async execute(command: ResumeApiKeyCommand, actorId: string): Promise<ApiKeyRow> {
    const found = await this.transactions.store.apiKeys.byId(command.apiKeyId);
    if (!found) throw new NotFoundError(`API key ${command.apiKeyId} does not exist`);
    if (!found.team_id) {
      if (found.user_id !== actorId) throw new ForbiddenError('not your key');
      return this.resume(this.transactions.store.apiKeys, found.id);
    }
    return this.transactions.inTeam(found.team_id, actorId, async (tx) => {
      const before = (await tx.store.apiKeys.byId(found.id))!;
      if (before.user_id !== actorId) {
        requireRole(tx, ['OWNER', 'ADMIN'], "resuming another member's key");
      } else if (before.status === 'SUSPENDED' && before.suspended_by !== actorId) {
        requireRole(tx, ['OWNER', 'ADMIN'], 'resuming a key an Owner or Admin suspended');
      }
      const key = await this.resume(tx.store.apiKeys, found.id);
      if (before.status === 'SUSPENDED') await tx.emit('ApiKeyResumed', { apiKeyId: found.id });
      return key;
    });
  }

  private async resume(keys: ApiKeyRepository, id: string): Promise<ApiKeyRow> {
    const key = (await keys.resume(id)) ?? (await keys.byId(id))!;
    if (key.status === 'REVOKED') throw new ConflictError(REVOKED_KEY_MESSAGE);
    return key;
  }
}
