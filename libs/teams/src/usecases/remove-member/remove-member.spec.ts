import { ForbiddenError } from '@app/auth';
import { ConflictError, NotFoundError } from '@app/errors';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { RemoveMember } from './remove-member.usecase';

function world() {
  const revokeHolderKeys = jest.fn();
  const fake = new FakeTeamTransactions(
    new Map([
      ['owner', 'OWNER' as const],
      ['admin', 'ADMIN' as const],
      ['admin2', 'ADMIN' as const],
      ['member', 'MEMBER' as const],
    ]),
    { memberships: { delete: jest.fn() }, seats: { unassignHolder: jest.fn() }, apiKeys: { revokeHolderKeys } },
  );
  return { fake, revokeHolderKeys, useCase: new RemoveMember(fake) };
}

describe('RemoveMember', () => {
  it('lets an Admin remove a Member, revoking their team keys as removed', async () => {
    const { fake, revokeHolderKeys, useCase } = world();
    await useCase.execute({ teamId: 't1', userId: 'member' }, 'admin');
    expect(revokeHolderKeys).toHaveBeenCalledWith('t1', 'member', 'member_removed');
    expect(fake.events).toEqual([
      { teamId: 't1', type: 'MemberRemoved', actorId: 'admin', payload: { userId: 'member' } },
    ]);
  });

  it.each([
    ['the Owner', 'admin', 'owner', ForbiddenError],
    ['an Admin, by an Admin', 'admin', 'admin2', ForbiddenError],
    ['oneself', 'admin', 'admin', ConflictError],
    ['a non-member', 'owner', 'stranger', NotFoundError],
    ['anyone, by a Member', 'member', 'admin', ForbiddenError],
  ])('refuses removing %s', async (_what, actor, userId, error) => {
    const { fake, useCase } = world();
    await expect(useCase.execute({ teamId: 't1', userId }, actor)).rejects.toThrow(error);
    expect(fake.events).toEqual([]);
  });

  it('lets the Owner remove an Admin', async () => {
    await expect(world().useCase.execute({ teamId: 't1', userId: 'admin' }, 'owner')).resolves.toBe(true);
  });
});
