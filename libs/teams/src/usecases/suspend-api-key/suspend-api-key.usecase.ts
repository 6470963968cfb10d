import { Injectable } from '@nestjs/common';
import { ForbiddenError } from '@app/auth';
import { ConflictError, NotFoundError } from '@app/errors';
import type { ApiKeyRepository, ApiKeyRow } from '../../persistence';
import { requireRole, TeamTransactions } from '../team-transaction';
import { SuspendApiKeyCommand } from './suspend-api-key.command';

export const REVOKED_KEY_MESSAGE = 'the key is revoked for good: a revoked key cannot be suspended or resumed';

/**
 * Who suspends is who may revoke: holders their own keys, Owners and Admins any key of their
 * team. A suspended key is refused at verification until resumed; suspending twice is harmless.
 */
@Injectable()
export class SuspendApiKey {
  constructor(private readonly transactions: TeamTransactions) {}

  async execute(command: SuspendApiKeyCommand, actorId: string): Promise<ApiKeyRow> {
    const found = await this.transactions.store.apiKeys.byId(command.apiKeyId);
    if (!found) throw new NotFoundError(`API key ${command.apiKeyId} does not exist`);
    if (!found.team_id) {
      if (found.user_id !== actorId) throw new ForbiddenError('not your key');
      return this.suspend(this.transactions.store.apiKeys, found.id, actorId);
    }
    return this.transactions.inTeam(found.team_id, actorId, async (tx) => {
      if (found.user_id !== actorId) requireRole(tx, ['OWNER', 'ADMIN'], "suspending another member's key");
      const before = (await tx.store.apiKeys.byId(found.id))!;
      const key = await this.suspend(tx.store.apiKeys, found.id, actorId);
      if (before.status === 'ACTIVE') await tx.emit('ApiKeySuspended', { apiKeyId: found.id });
      return key;
    });
  }

  private async suspend(keys: ApiKeyRepository, id: string, actorId: string): Promise<ApiKeyRow> {
    const key = (await keys.suspend(id, actorId)) ?? (await keys.byId(id))!;
    if (key.status === 'REVOKED') throw new ConflictError(REVOKED_KEY_MESSAGE);
    return key;
  }
}
