import { BadUserInputError, ConflictError } from '@app/errors';
import { buildCommand } from '../command';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { RenewPlanCommand } from './renew-plan.command';
import { RenewPlan } from './renew-plan.usecase';

const PLAN = '3f8c2a9e-1b2c-4d5e-8f9a-0b1c2d3e4f5a';
const endsAt = new Date(Date.now() + 86_400_000);

function world(held: number) {
  const plan = { id: PLAN, team_id: 't1', name: 'Pro', seats: 3, ends_at: new Date(Date.now() - 1000) };
  const renew = jest.fn(async (id: string, seats: number, ends: Date) => ({ ...plan, seats, ends_at: ends }));
  const resize = jest.fn();
  const fake = new FakeTeamTransactions(
    new Map([
      ['admin', 'ADMIN' as const],
      ['member', 'MEMBER' as const],
    ]),
    {
      plans: { byId: jest.fn().mockResolvedValue(plan), renew: renew as never },
      seats: { heldCount: jest.fn().mockResolvedValue(held), resize },
    },
  );
  return { fake, renew, resize, useCase: new RenewPlan(fake) };
}

describe('RenewPlan', () => {
  it('moves the end and resizes the seats, recorded', async () => {
    const { fake, renew, resize, useCase } = world(2);
    await useCase.execute({ planId: PLAN, endsAt, seats: 5 }, 'admin');
    expect(resize).toHaveBeenCalledWith(PLAN, 't1', 5);
    expect(renew).toHaveBeenCalledWith(PLAN, 5, endsAt);
    expect(fake.events).toMatchObject([{ type: 'PlanRenewed', payload: { planId: PLAN, seats: 5 } }]);
  });

  it('keeps the seat count when none is given, and may go down to the seats held', async () => {
    const same = world(3);
    await same.useCase.execute({ planId: PLAN, endsAt }, 'admin');
    expect(same.renew).toHaveBeenCalledWith(PLAN, 3, endsAt);
    const fewer = world(2);
    await fewer.useCase.execute({ planId: PLAN, endsAt, seats: 2 }, 'admin');
    expect(fewer.resize).toHaveBeenCalledWith(PLAN, 't1', 2);
  });

  it('refuses fewer seats than are held, and Members, changing nothing', async () => {
    const { fake, resize, renew, useCase } = world(2);
    await expect(useCase.execute({ planId: PLAN, endsAt, seats: 1 }, 'admin')).rejects.toThrow(
      new ConflictError('2 seats of the plan are assigned; reclaim seats before renewing with 1'),
    );
    await expect(useCase.execute({ planId: PLAN, endsAt }, 'member')).rejects.toThrow(/OWNER or ADMIN/);
    expect([resize.mock.calls, renew.mock.calls, fake.events]).toEqual([[], [], []]);
  });

  it.each([
    ['an end in the past', { endsAt: new Date(Date.now() - 1000) }],
    ['0 seats', { endsAt, seats: 0 }],
    ['1.5 seats', { endsAt, seats: 1.5 }],
  ])('refuses %s when built', (_, input) => {
    expect(() => buildCommand(RenewPlanCommand, { planId: PLAN, ...input })).toThrow(BadUserInputError);
  });
});
