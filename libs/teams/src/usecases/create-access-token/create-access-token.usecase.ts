import { Injectable } from '@nestjs/common';
import { newSecret, sha256 } from '@app/auth';
import { TeamTransactions } from '../team-transaction';
import { CreateAccessTokenCommand } from './create-access-token.command';

/** The token itself exists only in this answer; only its SHA-256 is stored. */
export interface IssuedAccessToken {
  id: string;
  name: string;
  token: string;
}

/** A person makes another personal access token of their own (optionally expiring). */
@Injectable()
export class CreateAccessToken {
  constructor(private readonly transactions: TeamTransactions) {}

  async execute(command: CreateAccessTokenCommand, actorId: string): Promise<IssuedAccessToken> {
    const token = newSecret('uat');
    const row = await this.transactions.store.accessTokens.insert(
      actorId,
      command.name.trim(),
      sha256(token),
      command.expiresAt ?? null,
    );
    return { id: row.id, name: row.name, token };
  }
}
