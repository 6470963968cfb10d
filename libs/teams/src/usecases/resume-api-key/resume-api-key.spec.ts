import { ForbiddenError } from '@app/auth';
import { ConflictError } from '@app/errors';
import type { ApiKeyRow } from '../../persistence';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { ResumeApiKey } from './resume-api-key.usecase';

function world(key: Pick<ApiKeyRow, 'team_id' | 'user_id' | 'status' | 'suspended_by'>) {
  const row = { id: 'k1', ...key };
  const resume = jest.fn(async () =>
    row.status === 'SUSPENDED' ? { ...row, status: 'ACTIVE', suspended_by: null } : undefined,
  );
  const fake = new FakeTeamTransactions(
    new Map([
      ['owner', 'OWNER' as const],
      ['bob', 'MEMBER' as const],
      ['carl', 'MEMBER' as const],
    ]),
    { apiKeys: { byId: jest.fn().mockResolvedValue(row), resume: resume as never } },
  );
  return { fake, resume, useCase: new ResumeApiKey(fake) };
}

const suspendedBy = (by: string) => ({ team_id: 't1', user_id: 'bob', status: 'SUSPENDED' as const, suspended_by: by });

describe('ResumeApiKey', () => {
  it('lets the holder resume a key they suspended, and the Owner any key, recorded once', async () => {
    const own = world(suspendedBy('bob'));
    expect((await own.useCase.execute({ apiKeyId: 'k1' }, 'bob')).status).toBe('ACTIVE');
    expect(own.fake.events).toMatchObject([{ type: 'ApiKeyResumed', payload: { apiKeyId: 'k1' } }]);
    const byOwner = world(suspendedBy('owner'));
    await byOwner.useCase.execute({ apiKeyId: 'k1' }, 'owner');
    expect(byOwner.fake.events.map((e) => e.type)).toEqual(['ApiKeyResumed']);
  });

  it('keeps a key an Owner or Admin suspended stopped for its holder and for other Members', async () => {
    const { resume, useCase } = world(suspendedBy('owner'));
    await expect(useCase.execute({ apiKeyId: 'k1' }, 'bob')).rejects.toThrow(
      /resuming a key an Owner or Admin suspended needs the role OWNER or ADMIN/,
    );
    await expect(useCase.execute({ apiKeyId: 'k1' }, 'carl')).rejects.toThrow(ForbiddenError);
    expect(resume).not.toHaveBeenCalled();
  });

  it('never resumes a revoked key, and records nothing for an active one', async () => {
    const revoked = world({ team_id: 't1', user_id: 'bob', status: 'REVOKED', suspended_by: null });
    await expect(revoked.useCase.execute({ apiKeyId: 'k1' }, 'owner')).rejects.toThrow(ConflictError);
    await expect(revoked.useCase.execute({ apiKeyId: 'k1' }, 'owner')).rejects.toThrow(/cannot be .*resumed/);
    const active = world({ team_id: 't1', user_id: 'bob', status: 'ACTIVE', suspended_by: null });
    expect((await active.useCase.execute({ apiKeyId: 'k1' }, 'bob')).status).toBe('ACTIVE');
    expect([...revoked.fake.events, ...active.fake.events]).toEqual([]);
  });
});
