import { ConflictError } from '@app/errors';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { Bootstrap } from './bootstrap.usecase';

function world(existingUsers: number) {
  const insert = jest.fn(async (username: string, email: string, platformRoles: string[]) => ({
    id: 'u1',
    username,
    email,
    platform_roles: platformRoles,
  }));
  const fake = new FakeTeamTransactions(new Map(), {
    users: { count: jest.fn().mockResolvedValue(existingUsers), insert: insert as never },
    accessTokens: { insert: jest.fn() },
  });
  return { insert, useCase: new Bootstrap(fake) };
}

describe('Bootstrap', () => {
  it('makes the first user a platform ADMIN whatever roles were asked', async () => {
    const { insert, useCase } = world(0);
    await useCase.execute({ username: 'root', email: 'root@example.com', platformRoles: [] });
    expect(insert).toHaveBeenCalledWith('root', 'root@example.com', ['ADMIN']);
  });

  it('refuses once anyone exists', async () => {
    const { insert, useCase } = world(1);
    await expect(useCase.execute({ username: 'root', email: 'r@example.com', platformRoles: [] })).rejects.toThrow(
      ConflictError,
    );
    expect(insert).not.toHaveBeenCalled();
  });
});
