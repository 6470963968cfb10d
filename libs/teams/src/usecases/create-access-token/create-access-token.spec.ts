import { sha256 } from '@app/auth';
import { BadUserInputError } from '@app/errors';
import { buildCommand } from '../command';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { CreateAccessTokenCommand } from './create-access-token.command';
import { CreateAccessToken } from './create-access-token.usecase';

describe('CreateAccessToken', () => {
  it("stores the trimmed name and the token's hash for the actor", async () => {
    const insert = jest.fn(async (_user: string, name: string) => ({ id: 't1', name }));
    const fake = new FakeTeamTransactions(new Map(), { accessTokens: { insert: insert as never } });
    const issued = await new CreateAccessToken(fake).execute({ name: ' laptop ', expiresAt: null }, 'ann');
    expect(issued).toEqual({ id: 't1', name: 'laptop', token: expect.stringMatching(/^uat_/) });
    expect(insert).toHaveBeenCalledWith('ann', 'laptop', sha256(issued.token), null);
  });

  it('refuses an expiry in the past when built', () => {
    expect(() => buildCommand(CreateAccessTokenCommand, { name: 'x', expiresAt: new Date(Date.now() - 1000) })).toThrow(
      BadUserInputError,
    );
  });
});
