import { Injectable } from '@nestjs/common';
import { ForbiddenError, newSecret, sha256 } from '@app/auth';
import type { ApiKeyRow, NewApiKey } from '../../persistence';
import { TeamTransactions } from '../team-transaction';
import { CreateApiKeyCommand } from './create-api-key.command';

/** The key and its secret, which exists only in this answer (only its hash is stored). */
export interface IssuedApiKey {
  key: ApiKeyRow;
  secret: string;
}

/** Any member makes keys of their own in their team; anyone makes personal keys outside teams. */
@Injectable()
export class CreateApiKey {
  constructor(private readonly transactions: TeamTransactions) {}

  async execute(command: CreateApiKeyCommand, actorId: string): Promise<IssuedApiKey> {
    const secret = newSecret('sk', 30);
    const key = (teamId: string | null): NewApiKey => ({
      teamId,
      userId: actorId,
      name: command.name.trim(),
      prefix: secret.slice(0, 9),
      last4: secret.slice(-4),
      secretHash: sha256(secret),
      expiresAt: command.expiresAt ?? null,
      test: command.test ?? false,
    });
    if (!command.teamId) return { key: await this.transactions.store.apiKeys.insert(key(null)), secret };
    return this.transactions.inTeam(command.teamId, actorId, async (tx) => {
      if (!tx.actorRole) throw new ForbiddenError('you are not a member of the team');
      const created = await tx.store.apiKeys.insert(key(tx.team.id));
      await tx.emit('ApiKeyCreated', { apiKeyId: created.id, userId: actorId, name: created.name, test: created.test });
      return { key: created, secret };
    });
  }
}
