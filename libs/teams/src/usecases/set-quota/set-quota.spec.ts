import { ConflictError, NotFoundError } from '@app/errors';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { SetQuota } from './set-quota.usecase';

const base = { teamId: 't1', unit: 'TOKENS', period: 'DAY', limit: 1000 } as const;

function world() {
  const upsert = jest.fn().mockResolvedValue({ id: 'q1', user_id: 'bob', api_key_id: null });
  const keys = new Map([
    ['own-key', { id: 'own-key', team_id: 't1' }],
    ['other-key', { id: 'other-key', team_id: 't2' }],
  ]);
  const fake = new FakeTeamTransactions(
    new Map([
      ['owner', 'OWNER' as const],
      ['bob', 'MEMBER' as const],
    ]),
    { quotas: { upsert }, apiKeys: { byId: jest.fn(async (id: string) => keys.get(id) as never) } },
  );
  return { fake, upsert, useCase: new SetQuota(fake) };
}

describe('SetQuota', () => {
  it("sets a member's quota and records it without the team id in the payload", async () => {
    const { fake, upsert, useCase } = world();
    await useCase.execute({ ...base, userId: 'bob' }, 'owner');
    expect(upsert).toHaveBeenCalledWith({ ...base, userId: 'bob', apiKeyId: null });
    expect(fake.events[0].payload).toEqual({
      quotaId: 'q1',
      userId: 'bob',
      apiKeyId: null,
      unit: 'TOKENS',
      period: 'DAY',
      limit: 1000,
    });
  });

  it('sets a quota on the whole team when given neither a member nor a key', async () => {
    const { fake, upsert, useCase } = world();
    await useCase.execute(base, 'owner');
    expect(upsert).toHaveBeenCalledWith({ ...base, userId: null, apiKeyId: null });
    expect(fake.events.map((e) => e.type)).toEqual(['QuotaSet']);
  });

  it('refuses a member and a key at once', async () => {
    const { upsert, useCase } = world();
    await expect(useCase.execute({ ...base, userId: 'bob', apiKeyId: 'own-key' }, 'owner')).rejects.toThrow(
      ConflictError,
    );
    expect(upsert).not.toHaveBeenCalled();
  });

  it("refuses a non-member, another team's key, and Members", async () => {
    await expect(world().useCase.execute({ ...base, userId: 'zed' }, 'owner')).rejects.toThrow(NotFoundError);
    await expect(world().useCase.execute({ ...base, apiKeyId: 'other-key' }, 'owner')).rejects.toThrow(NotFoundError);
    await expect(world().useCase.execute({ ...base, userId: 'bob' }, 'bob')).rejects.toThrow(/OWNER or ADMIN/);
  });
});
