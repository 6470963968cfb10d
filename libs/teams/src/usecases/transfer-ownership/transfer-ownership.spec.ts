import { ForbiddenError } from '@app/auth';
import { ConflictError } from '@app/errors';
import type { TeamRole } from '../../persistence';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { TransferOwnership } from './transfer-ownership.usecase';

function world() {
  const roles = new Map<string, TeamRole>([
    ['owner', 'OWNER'],
    ['admin', 'ADMIN'],
    ['member', 'MEMBER'],
  ]);
  const setRole = jest.fn(async (_t: string, userId: string, role: TeamRole) => void roles.set(userId, role));
  const fake = new FakeTeamTransactions(roles, { memberships: { setRole } });
  return { fake, roles, useCase: new TransferOwnership(fake) };
}

describe('TransferOwnership', () => {
  it('swaps Owner and Admin', async () => {
    const { fake, roles, useCase } = world();
    await useCase.execute({ teamId: 't1', toUserId: 'admin' }, 'owner');
    expect(Object.fromEntries(roles)).toEqual({ owner: 'ADMIN', admin: 'OWNER', member: 'MEMBER' });
    expect(fake.events[0]).toMatchObject({ type: 'OwnershipTransferred', payload: { from: 'owner', to: 'admin' } });
  });

  it('goes only to an Admin, and only the Owner gives it', async () => {
    await expect(world().useCase.execute({ teamId: 't1', toUserId: 'member' }, 'owner')).rejects.toThrow(ConflictError);
    await expect(world().useCase.execute({ teamId: 't1', toUserId: 'stranger' }, 'owner')).rejects.toThrow(
      ConflictError,
    );
    await expect(world().useCase.execute({ teamId: 't1', toUserId: 'owner' }, 'admin')).rejects.toThrow(ForbiddenError);
  });
});
