import { Injectable } from '@nestjs/common';
import { ForbiddenError } from '@app/auth';
import { NotFoundError } from '@app/errors';
import type { ApiKeyRow } from '../../persistence';
import { requireRole, TeamTransactions } from '../team-transaction';
import { RevokeApiKeyCommand } from './revoke-api-key.command';

/**
 * Holders revoke their own keys, Owners and Admins any key of their team (a suspended one too);
 * revoking twice is harmless.
 */
@Injectable()
export class RevokeApiKey {
  constructor(private readonly transactions: TeamTransactions) {}

  async execute(command: RevokeApiKeyCommand, actorId: string): Promise<ApiKeyRow> {
    const found = await this.transactions.store.apiKeys.byId(command.apiKeyId);
    if (!found) throw new NotFoundError(`API key ${command.apiKeyId} does not exist`);
    if (!found.team_id) {
      if (found.user_id !== actorId) throw new ForbiddenError('not your key');
      return this.transactions.store.apiKeys.revoke(found.id);
    }
    return this.transactions.inTeam(found.team_id, actorId, async (tx) => {
      if (found.user_id !== actorId) requireRole(tx, ['OWNER', 'ADMIN'], "revoking another member's key");
      const key = await tx.store.apiKeys.revoke(found.id);
      if (found.status !== 'REVOKED') await tx.emit('ApiKeyRevoked', { apiKeyId: found.id });
      return key;
    });
  }
}
