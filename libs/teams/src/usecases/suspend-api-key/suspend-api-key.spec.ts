import { ForbiddenError } from '@app/auth';
import { ConflictError } from '@app/errors';
import type { ApiKeyRow } from '../../persistence';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { SuspendApiKey } from './suspend-api-key.usecase';

function world(key: Pick<ApiKeyRow, 'team_id' | 'user_id' | 'status'>) {
  const row = { id: 'k1', ...key };
  const suspend = jest.fn(async () => (row.status === 'ACTIVE' ? { ...row, status: 'SUSPENDED' } : undefined));
  const fake = new FakeTeamTransactions(
    new Map([
      ['admin', 'ADMIN' as const],
      ['bob', 'MEMBER' as const],
      ['carl', 'MEMBER' as const],
    ]),
    { apiKeys: { byId: jest.fn().mockResolvedValue(row), suspend: suspend as never } },
  );
  return { fake, suspend, useCase: new SuspendApiKey(fake) };
}

describe('SuspendApiKey', () => {
  it('lets the holder and an Admin suspend a team key, recorded once, remembering who suspended it', async () => {
    const own = world({ team_id: 't1', user_id: 'bob', status: 'ACTIVE' });
    expect((await own.useCase.execute({ apiKeyId: 'k1' }, 'bob')).status).toBe('SUSPENDED');
    expect(own.suspend).toHaveBeenCalledWith('k1', 'bob');
    expect(own.fake.events).toMatchObject([{ type: 'ApiKeySuspended', payload: { apiKeyId: 'k1' } }]);
    const admin = world({ team_id: 't1', user_id: 'bob', status: 'ACTIVE' });
    await admin.useCase.execute({ apiKeyId: 'k1' }, 'admin');
    expect(admin.suspend).toHaveBeenCalledWith('k1', 'admin');
  });

  it('records nothing for a key already suspended', async () => {
    const { fake, useCase } = world({ team_id: 't1', user_id: 'bob', status: 'SUSPENDED' });
    expect((await useCase.execute({ apiKeyId: 'k1' }, 'bob')).status).toBe('SUSPENDED');
    expect(fake.events).toEqual([]);
  });

  it("refuses a Member suspending another's key, anyone another's personal key, and a revoked key", async () => {
    await expect(
      world({ team_id: 't1', user_id: 'bob', status: 'ACTIVE' }).useCase.execute({ apiKeyId: 'k1' }, 'carl'),
    ).rejects.toThrow(ForbiddenError);
    await expect(
      world({ team_id: null, user_id: 'bob', status: 'ACTIVE' }).useCase.execute({ apiKeyId: 'k1' }, 'admin'),
    ).rejects.toThrow('not your key');
    const revoked = world({ team_id: 't1', user_id: 'bob', status: 'REVOKED' });
    await expect(revoked.useCase.execute({ apiKeyId: 'k1' }, 'admin')).rejects.toThrow(ConflictError);
    expect(revoked.fake.events).toEqual([]);
  });
});
