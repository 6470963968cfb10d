import { sha256 } from '@app/auth';
import { BadUserInputError, ConflictError } from '@app/errors';
import { buildCommand } from '../command';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { CreateUserCommand } from './create-user.command';
import { CreateUser } from './create-user.usecase';

function world(insertUser = jest.fn(async (username: string, email: string) => ({ id: 'u1', username, email }))) {
  const insertToken = jest.fn();
  const fake = new FakeTeamTransactions(new Map(), {
    users: { insert: insertUser as never },
    accessTokens: { insert: insertToken },
  });
  return { insertToken, useCase: new CreateUser(fake) };
}

describe('CreateUser', () => {
  it('stores the email in lower case and the first token as its hash', async () => {
    const { insertToken, useCase } = world();
    const created = await useCase.execute({ username: 'ann', email: 'Ann@Example.com', platformRoles: [] });
    expect(created.user.email).toBe('ann@example.com');
    expect(created.accessToken).toMatch(/^uat_/);
    expect(insertToken).toHaveBeenCalledWith('u1', 'initial', sha256(created.accessToken), null);
  });

  it('answers a taken username or email with CONFLICT', async () => {
    const taken = jest.fn().mockRejectedValue(Object.assign(new Error('dup'), { code: '23505' }));
    await expect(world(taken).useCase.execute({ username: 'ann', email: 'a@b.co', platformRoles: [] })).rejects.toThrow(
      ConflictError,
    );
  });

  it.each(['2fast', 'has space', 'x'])('refuses the username %p when built', (username) => {
    expect(() => buildCommand(CreateUserCommand, { username, email: 'a@b.co', platformRoles: [] })).toThrow(
      BadUserInputError,
    );
  });

  it('refuses an unknown platform role when built', () => {
    expect(() =>
      buildCommand(CreateUserCommand, { username: 'ann', email: 'a@b.co', platformRoles: ['ROOT'] }),
    ).toThrow(BadUserInputError);
  });
});
