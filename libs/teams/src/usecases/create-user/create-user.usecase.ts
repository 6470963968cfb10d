import { Injectable } from '@nestjs/common';
import { newSecret, sha256 } from '@app/auth';
import { ConflictError } from '@app/errors';
import { isUniqueViolation, TeamStore, UserRow } from '../../persistence';
import { TeamTransactions } from '../team-transaction';
import { CreateUserCommand } from './create-user.command';

/** The new user and their first personal access token, which exists only in this answer. */
export interface CreatedUser {
  user: UserRow;
  accessToken: string;
}

/** Writes the user and their first token with the caller's store (inside the caller's transaction). */
export async function createUserIn(store: TeamStore, command: CreateUserCommand): Promise<CreatedUser> {
  try {
    const user = await store.users.insert(command.username, command.email.toLowerCase(), command.platformRoles);
    const accessToken = newSecret('uat');
    await store.accessTokens.insert(user.id, 'initial', sha256(accessToken), null);
    return { user, accessToken };
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError('a user with that username or email exists');
    throw error;
  }
}

/** A platform ADMIN adds a person (the guard on the mutation checks the role). */
@Injectable()
export class CreateUser {
  constructor(private readonly transactions: TeamTransactions) {}

  execute(command: CreateUserCommand): Promise<CreatedUser> {
    return this.transactions.run((store) => createUserIn(store, command));
  }
}
