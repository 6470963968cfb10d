import { Injectable } from '@nestjs/common';
import { ForbiddenError, newSecret, sha256 } from '@app/auth';
import { BadUserInputError, ConflictError, NotFoundError } from '@app/errors';
import type { ApiKeyRow, NewApiKey } from '../../persistence';
import { requireRole, TeamTransactions, TeamTx } from '../team-transaction';
import { CreateApiKeyCommand } from './create-api-key.command';

/** The key and its secret, which exists only in this answer (only its hash is stored). */
export interface IssuedApiKey {
  key: ApiKeyRow;
  secret: string;
}

/**
 * Any member makes keys of their own in their team; anyone makes personal keys outside teams.
 * Owners and Admins also issue a key for a member who holds a seat in a running plan (the key
 * is the member's: it counts as theirs and stops with their seat).
 */
@Injectable()
export class CreateApiKey {
  constructor(private readonly transactions: TeamTransactions) {}

  async execute(command: CreateApiKeyCommand, actorId: string): Promise<IssuedApiKey> {
    const secret = newSecret('sk', 30);
    const key = (teamId: string | null, userId: string): NewApiKey => ({
      teamId,
      userId,
      name: command.name.trim(),
      prefix: secret.slice(0, 9),
      last4: secret.slice(-4),
      secretHash: sha256(secret),
      expiresAt: command.expiresAt ?? null,
      test: command.test ?? false,
    });
    const holderId = command.forUserId ?? actorId;
    if (!command.teamId) {
      if (holderId !== actorId)
        throw new BadUserInputError('forUserId: needs teamId (a key for a member is a team key)');
      return { key: await this.transactions.store.apiKeys.insert(key(null, actorId)), secret };
    }
    return this.transactions.inTeam(command.teamId, actorId, async (tx) => {
      if (!tx.actorRole) throw new ForbiddenError('you are not a member of the team');
      if (holderId !== actorId) await this.requireSeatedMember(tx, holderId);
      const created = await tx.store.apiKeys.insert(key(tx.team.id, holderId));
      await tx.emit('ApiKeyCreated', {
        apiKeyId: created.id,
        userId: holderId,
        name: created.name,
        test: created.test,
      });
      return { key: created, secret };
    });
  }

  /** Issuing for someone else: the caller manages the team, the holder is a member with a seat of a running plan. */
  private async requireSeatedMember(tx: TeamTx, userId: string): Promise<void> {
    requireRole(tx, ['OWNER', 'ADMIN'], 'issuing a key for another member');
    if (!(await tx.store.memberships.roleOf(tx.team.id, userId))) {
      throw new NotFoundError('that user is not a member of the team');
    }
    const seat = (await tx.store.seats.seatsOfUserByPlan(tx.team.id, userId)).find((s) => s.user_id);
    if (!seat) throw new ConflictError('the member holds no seat in the team; assign one before issuing a key');
    if (seat.ends_at.getTime() <= Date.now()) {
      throw new ConflictError("the member's seat has expired with its plan; renew the plan before issuing a key");
    }
  }
}
