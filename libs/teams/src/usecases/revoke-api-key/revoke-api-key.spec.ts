import { ForbiddenError } from '@app/auth';
import type { ApiKeyRow } from '../../persistence';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { RevokeApiKey } from './revoke-api-key.usecase';

function world(key: Pick<ApiKeyRow, 'team_id' | 'user_id' | 'status'>) {
  const revoke = jest.fn().mockResolvedValue({ id: 'k1', status: 'REVOKED' });
  const fake = new FakeTeamTransactions(
    new Map([
      ['admin', 'ADMIN' as const],
      ['bob', 'MEMBER' as const],
      ['carl', 'MEMBER' as const],
    ]),
    { apiKeys: { byId: jest.fn().mockResolvedValue({ id: 'k1', ...key }), revoke } },
  );
  return { fake, revoke, useCase: new RevokeApiKey(fake) };
}

describe('RevokeApiKey', () => {
  it("lets an Admin revoke a member's team key, recorded once", async () => {
    const { fake, revoke, useCase } = world({ team_id: 't1', user_id: 'bob', status: 'ACTIVE' });
    await useCase.execute({ apiKeyId: 'k1' }, 'admin');
    expect(revoke).toHaveBeenCalledWith('k1');
    expect(fake.events.map((e) => e.type)).toEqual(['ApiKeyRevoked']);
  });

  it('revokes a suspended key for good, recorded', async () => {
    const { fake, revoke, useCase } = world({ team_id: 't1', user_id: 'bob', status: 'SUSPENDED' });
    await useCase.execute({ apiKeyId: 'k1' }, 'bob');
    expect(revoke).toHaveBeenCalledWith('k1');
    expect(fake.events.map((e) => e.type)).toEqual(['ApiKeyRevoked']);
  });

  it('records nothing for a key that was already revoked', async () => {
    const { fake, useCase } = world({ team_id: 't1', user_id: 'bob', status: 'REVOKED' });
    await useCase.execute({ apiKeyId: 'k1' }, 'bob');
    expect(fake.events).toEqual([]);
  });

  it("refuses a Member revoking another's key, and anyone revoking another's personal key", async () => {
    const team = world({ team_id: 't1', user_id: 'bob', status: 'ACTIVE' });
    await expect(team.useCase.execute({ apiKeyId: 'k1' }, 'carl')).rejects.toThrow(ForbiddenError);
    const personal = world({ team_id: null, user_id: 'bob', status: 'ACTIVE' });
    await expect(personal.useCase.execute({ apiKeyId: 'k1' }, 'admin')).rejects.toThrow('not your key');
    expect(personal.revoke).not.toHaveBeenCalled();
  });
});
