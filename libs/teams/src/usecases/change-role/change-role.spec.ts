import { ForbiddenError } from '@app/auth';
import { ConflictError, NotFoundError } from '@app/errors';
import type { TeamRole } from '../../persistence';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { ChangeRole } from './change-role.usecase';

function world() {
  const roles = new Map<string, TeamRole>([
    ['owner', 'OWNER'],
    ['admin', 'ADMIN'],
    ['admin2', 'ADMIN'],
    ['member', 'MEMBER'],
  ]);
  const setRole = jest.fn(async (_t: string, userId: string, role: TeamRole) => void roles.set(userId, role));
  const find = jest.fn(async (teamId: string, userId: string) => ({
    team_id: teamId,
    user_id: userId,
    role: roles.get(userId),
  }));
  const fake = new FakeTeamTransactions(roles, { memberships: { setRole, find: find as never } });
  return { fake, setRole, useCase: new ChangeRole(fake) };
}

describe('ChangeRole', () => {
  it('lets the Owner promote a Member and records from and to', async () => {
    const { fake, useCase } = world();
    await expect(useCase.execute({ teamId: 't1', userId: 'member', role: 'ADMIN' }, 'owner')).resolves.toMatchObject({
      role: 'ADMIN',
    });
    expect(fake.events[0]).toMatchObject({
      type: 'RoleChanged',
      payload: { userId: 'member', from: 'MEMBER', to: 'ADMIN' },
    });
  });

  it('changes nothing and records nothing when the role is already the asked one', async () => {
    const { fake, setRole, useCase } = world();
    await useCase.execute({ teamId: 't1', userId: 'member', role: 'MEMBER' }, 'admin');
    expect(setRole).not.toHaveBeenCalled();
    expect(fake.events).toEqual([]);
  });

  it.each([
    ['an Admin promoting a Member', 'admin', 'member', 'ADMIN', ForbiddenError],
    ['an Admin demoting an Admin', 'admin', 'admin2', 'MEMBER', ForbiddenError],
    ["anyone changing the Owner's role", 'admin', 'owner', 'MEMBER', ConflictError],
    ['a non-member target', 'owner', 'stranger', 'MEMBER', NotFoundError],
    ['a Member acting', 'member', 'admin', 'MEMBER', ForbiddenError],
  ] as const)('refuses %s', async (_what, actor, userId, role, error) => {
    const { fake, useCase } = world();
    await expect(useCase.execute({ teamId: 't1', userId, role }, actor)).rejects.toThrow(error);
    expect(fake.events).toEqual([]);
  });
});
