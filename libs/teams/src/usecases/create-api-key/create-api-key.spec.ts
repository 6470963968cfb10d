import { ForbiddenError, sha256 } from '@app/auth';
import type { NewApiKey } from '../../persistence';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { CreateApiKey } from './create-api-key.usecase';

function world() {
  const insert = jest.fn(async (k: NewApiKey) => ({ id: 'k1', team_id: k.teamId, name: k.name, test: k.test }));
  const fake = new FakeTeamTransactions(new Map([['member', 'MEMBER' as const]]), {
    apiKeys: { insert: insert as never },
  });
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
});
