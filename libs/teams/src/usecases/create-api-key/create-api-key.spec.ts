import { ForbiddenError, sha256 } from '@app/auth';
import { BadUserInputError, ConflictError, NotFoundError } from '@app/errors';
import type { NewApiKey, PlanSeatRow } from '../../persistence';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { CreateApiKey } from './create-api-key.usecase';

const DAY = 86_400_000;

/** `seats`: each member's seats by plan, as the seat repository answers them. */
function world(seats: Record<string, PlanSeatRow[]> = {}) {
  const insert = jest.fn(async (k: NewApiKey) => ({ id: 'k1', team_id: k.teamId, name: k.name, test: k.test }));
  const fake = new FakeTeamTransactions(
    new Map([
      ['admin', 'ADMIN' as const],
      ['member', 'MEMBER' as const],
      ['seated', 'MEMBER' as const],
    ]),
    {
      apiKeys: { insert: insert as never },
      seats: { seatsOfUserByPlan: jest.fn(async (_team: string, user: string) => seats[user] ?? []) },
    },
  );
  return { fake, insert, useCase: new CreateApiKey(fake) };
}

describe('CreateApiKey', () => {
  it("stores a team key's hash, prefix and last four, and records it", async () => {
    const { fake, insert, useCase } = world();
    const { secret } = await useCase.execute({ teamId: 't1', name: ' ci ' }, 'member');
    expect(insert.mock.calls[0][0]).toEqual({
      teamId: 't1',
      userId: 'member',
      name: 'ci',
      prefix: secret.slice(0, 9),
      last4: secret.slice(-4),
      secretHash: sha256(secret),
      expiresAt: null,
      test: false,
    });
    expect(fake.events[0]).toMatchObject({ type: 'ApiKeyCreated', payload: { apiKeyId: 'k1', userId: 'member' } });
  });

  it('makes a personal key without a team and without a team event', async () => {
    const { fake, insert, useCase } = world();
    await useCase.execute({ name: 'mine' }, 'stranger');
    expect(insert.mock.calls[0][0].teamId).toBeNull();
    expect(fake.events).toEqual([]);
  });

  it("refuses a key in someone else's team", async () => {
    await expect(world().useCase.execute({ teamId: 't1', name: 'x' }, 'stranger')).rejects.toThrow(ForbiddenError);
  });

  it("lets an Admin issue a key for a member who holds a seat: the key is the member's", async () => {
    const { fake, insert, useCase } = world({ seated: [{ user_id: 'seated', ends_at: new Date(Date.now() + DAY) }] });
    await useCase.execute({ teamId: 't1', name: 'for you', forUserId: 'seated' }, 'admin');
    expect(insert.mock.calls[0][0]).toMatchObject({ teamId: 't1', userId: 'seated' });
    expect(fake.events[0]).toMatchObject({ type: 'ApiKeyCreated', actorId: 'admin', payload: { userId: 'seated' } });
  });

  it('refuses keys for others to Members; for a non-member, a member without a seat or an expired one', async () => {
    const expired = [{ user_id: 'seated', ends_at: new Date(Date.now() - DAY) }];
    const cases: Array<[string, string, Record<string, PlanSeatRow[]>, unknown]> = [
      ['member', 'seated', {}, /issuing a key for another member needs the role OWNER or ADMIN/],
      ['admin', 'stranger', {}, new NotFoundError('that user is not a member of the team')],
      ['admin', 'member', { member: [{ user_id: null, ends_at: new Date(Date.now() + DAY) }] }, ConflictError],
      ['admin', 'member', {}, /holds no seat/],
      ['admin', 'seated', { seated: expired }, /seat has expired/],
    ];
    for (const [actor, forUserId, seats, error] of cases) {
      const { fake, insert, useCase } = world(seats);
      await expect(useCase.execute({ teamId: 't1', name: 'k', forUserId }, actor)).rejects.toThrow(error as Error);
      expect([insert.mock.calls, fake.events]).toEqual([[], []]);
    }
  });

  it('refuses forUserId without a team', async () => {
    await expect(world().useCase.execute({ name: 'k', forUserId: 'seated' }, 'admin')).rejects.toThrow(
      BadUserInputError,
    );
  });
});
