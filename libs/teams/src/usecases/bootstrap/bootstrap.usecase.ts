import { Injectable } from '@nestjs/common';
import { ConflictError } from '@app/errors';
import { CreateUserCommand } from '../create-user/create-user.command';
import { CreatedUser, createUserIn } from '../create-user/create-user.usecase';
import { TeamTransactions } from '../team-transaction';

/**
 * The first platform ADMIN, only on an empty database (serializable, so two bootstraps at
 * once cannot both find it empty). Its command is CreateUserCommand; the roles are always ADMIN.
 */
@Injectable()
export class Bootstrap {
  constructor(private readonly transactions: TeamTransactions) {}

  execute(command: CreateUserCommand): Promise<CreatedUser> {
    return this.transactions.run(async (store) => {
      if ((await store.users.count()) > 0) {
        throw new ConflictError('bootstrap runs only on an empty database; ask a platform ADMIN for an account');
      }
      return createUserIn(store, { ...command, platformRoles: ['ADMIN'] });
    }, 'SERIALIZABLE');
  }
}
