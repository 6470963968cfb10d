import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/errors';
import { TeamTransactions } from '../team-transaction';
import { RevokeAccessTokenCommand } from './revoke-access-token.command';

/**
 * A user revokes their own tokens; a platform ADMIN anyone's (a leaked token is an incident).
 * Revoking twice is harmless; someone else's token answers NOT_FOUND, so ids cannot be probed.
 */
@Injectable()
export class RevokeAccessToken {
  constructor(private readonly transactions: TeamTransactions) {}

  async execute(command: RevokeAccessTokenCommand, actorId: string, asPlatformAdmin: boolean): Promise<boolean> {
    const tokens = this.transactions.store.accessTokens;
    if (await tokens.revoke(command.id, actorId, asPlatformAdmin)) return true;
    if (!(await tokens.isVisible(command.id, actorId, asPlatformAdmin))) {
      throw new NotFoundError('no access token of yours with that id');
    }
    return true;
  }
}
