import { ConflictError, NotFoundError } from '@app/errors';
import type { PlanRow, SeatRow } from '../../persistence';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { AssignSeat } from './assign-seat.usecase';

const DAY = 86_400_000;

function world({ endsIn = DAY, held = undefined as SeatRow | undefined, free = true } = {}) {
  const plan: PlanRow = {
    id: 'p1',
    team_id: 't1',
    name: 'Pro',
    seats: 2,
    ends_at: new Date(Date.now() + endsIn),
    created_at: new Date(0),
  };
  const seat = { id: 's1', plan_id: 'p1', team_id: 't1', position: 1, user_id: 'member', assigned_at: new Date() };
  const fake = new FakeTeamTransactions(
    new Map([
      ['owner', 'OWNER' as const],
      ['member', 'MEMBER' as const],
    ]),
    {
      plans: { byId: jest.fn(async (id: string) => (id === 'p1' ? plan : undefined)) },
      seats: {
        heldBy: jest.fn().mockResolvedValue(held),
        assignFirstFree: jest.fn().mockResolvedValue(free ? seat : undefined),
      },
    },
  );
  return { fake, useCase: new AssignSeat(fake) };
}

describe('AssignSeat', () => {
  it("gives a member the next free seat in the plan's team", async () => {
    const { fake, useCase } = world();
    await expect(useCase.execute({ planId: 'p1', userId: 'member' }, 'owner')).resolves.toMatchObject({ id: 's1' });
    expect(fake.events).toEqual([
      {
        teamId: 't1',
        type: 'SeatAssigned',
        actorId: 'owner',
        payload: { seatId: 's1', planId: 'p1', userId: 'member' },
      },
    ]);
  });

  it.each([
    ['an unknown plan', world(), 'p2', 'member', NotFoundError, /does not exist/],
    ['an ended plan', world({ endsIn: -1 }), 'p1', 'member', ConflictError, /has ended/],
    ['a non-member', world(), 'p1', 'stranger', NotFoundError, /not a member/],
    ['a second seat', world({ held: {} as SeatRow }), 'p1', 'member', ConflictError, /already holds a seat/],
    ['a full plan', world({ free: false }), 'p1', 'member', ConflictError, /all 2 seats/],
  ])('refuses %s', async (_what, { fake, useCase }, planId, userId, error, message) => {
    const refused = useCase.execute({ planId, userId }, 'owner');
    await expect(refused).rejects.toThrow(error);
    await expect(refused).rejects.toThrow(message);
    expect(fake.events).toEqual([]);
  });
});
