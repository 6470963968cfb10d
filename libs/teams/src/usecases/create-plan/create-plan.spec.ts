import { BadUserInputError } from '@app/errors';
import { buildCommand } from '../command';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { CreatePlanCommand } from './create-plan.command';
import { CreatePlan } from './create-plan.usecase';

const TEAM = '3f8c2a9e-1b2c-4d5e-8f9a-0b1c2d3e4f5a';
const endsAt = new Date(Date.now() + 86_400_000);

function world() {
  const insert = jest.fn(async (teamId: string, name: string, seats: number) => ({
    id: 'p1',
    team_id: teamId,
    name,
    seats,
  }));
  const createFor = jest.fn();
  const fake = new FakeTeamTransactions(
    new Map([
      ['admin', 'ADMIN' as const],
      ['member', 'MEMBER' as const],
    ]),
    { plans: { insert: insert as never }, seats: { createFor } },
  );
  return { fake, createFor, useCase: new CreatePlan(fake) };
}

describe('CreatePlan', () => {
  it('creates the plan with its seats and records it', async () => {
    const { fake, createFor, useCase } = world();
    await useCase.execute(buildCommand(CreatePlanCommand, { teamId: TEAM, name: ' Pro ', seats: 3, endsAt }), 'admin');
    expect(createFor).toHaveBeenCalledWith('p1', TEAM, 3);
    expect(fake.events[0]).toMatchObject({ type: 'PlanCreated', payload: { planId: 'p1', name: 'Pro', seats: 3 } });
  });

  it('is refused to Members', async () => {
    await expect(world().useCase.execute({ teamId: TEAM, name: 'Pro', seats: 3, endsAt }, 'member')).rejects.toThrow(
      /OWNER or ADMIN/,
    );
  });

  it.each([0, 10_001, 1.5])('refuses %p seats when built', (seats) => {
    expect(() => buildCommand(CreatePlanCommand, { teamId: TEAM, name: 'Pro', seats, endsAt })).toThrow(
      BadUserInputError,
    );
  });
});
