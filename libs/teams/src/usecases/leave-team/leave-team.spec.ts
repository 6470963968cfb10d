import { ConflictError, NotFoundError } from '@app/errors';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { LeaveTeam } from './leave-team.usecase';

function world() {
  const released = { membership: jest.fn(), seat: jest.fn(), keys: jest.fn() };
  const fake = new FakeTeamTransactions(
    new Map([
      ['owner', 'OWNER' as const],
      ['member', 'MEMBER' as const],
    ]),
    {
      memberships: { delete: released.membership },
      seats: { unassignHolder: released.seat },
      apiKeys: { revokeHolderKeys: released.keys },
    },
  );
  return { fake, released, useCase: new LeaveTeam(fake) };
}

describe('LeaveTeam', () => {
  it("releases the member's membership, seat and keys", async () => {
    const { fake, released, useCase } = world();
    await expect(useCase.execute({ teamId: 't1' }, 'member')).resolves.toBe(true);
    expect(released.membership).toHaveBeenCalledWith('t1', 'member');
    expect(released.seat).toHaveBeenCalledWith('t1', 'member');
    expect(released.keys).toHaveBeenCalledWith('t1', 'member', 'member_left');
    expect(fake.events).toEqual([
      { teamId: 't1', type: 'MemberLeft', actorId: 'member', payload: { userId: 'member' } },
    ]);
  });

  it('keeps the Owner until ownership moves, and refuses non-members', async () => {
    await expect(world().useCase.execute({ teamId: 't1' }, 'owner')).rejects.toThrow(ConflictError);
    await expect(world().useCase.execute({ teamId: 't1' }, 'stranger')).rejects.toThrow(NotFoundError);
  });
});
