import { NotFoundError } from '@app/errors';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { DeleteQuota } from './delete-quota.usecase';

function world(deleted = true) {
  const quota = { id: 'q1', team_id: 't1', user_id: null, api_key_id: null, unit: 'TOKENS', period: 'DAY', limit: '5' };
  const remove = jest.fn().mockResolvedValue(deleted);
  const fake = new FakeTeamTransactions(
    new Map([
      ['owner', 'OWNER' as const],
      ['bob', 'MEMBER' as const],
    ]),
    { quotas: { byId: jest.fn(async (id: string) => (id === 'q1' ? (quota as never) : undefined)), delete: remove } },
  );
  return { fake, remove, useCase: new DeleteQuota(fake) };
}

describe('DeleteQuota', () => {
  it("deletes a team's quota and records what it limited", async () => {
    const { fake, remove, useCase } = world();
    expect(await useCase.execute({ quotaId: 'q1' }, 'owner')).toBe(true);
    expect(remove).toHaveBeenCalledWith('q1');
    expect(fake.events).toMatchObject([
      { type: 'QuotaDeleted', payload: { quotaId: 'q1', userId: null, apiKeyId: null, unit: 'TOKENS', period: 'DAY' } },
    ]);
  });

  it('refuses Members, an unknown quota, and one deleted meanwhile, recording nothing', async () => {
    const { fake, remove, useCase } = world();
    await expect(useCase.execute({ quotaId: 'q1' }, 'bob')).rejects.toThrow(/OWNER or ADMIN/);
    await expect(useCase.execute({ quotaId: 'q2' }, 'owner')).rejects.toThrow(NotFoundError);
    expect(remove).not.toHaveBeenCalled();
    const raced = world(false);
    await expect(raced.useCase.execute({ quotaId: 'q1' }, 'owner')).rejects.toThrow(NotFoundError);
    expect([...fake.events, ...raced.fake.events]).toEqual([]);
  });
});
