import { NotFoundError } from '@app/errors';
import { FakeTeamTransactions } from '../fake-team-transactions';
import { RevokeAccessToken } from './revoke-access-token.usecase';

const ID = '3f8c2a9e-1b2c-4d5e-8f9a-0b1c2d3e4f5a';

/** One token of ann's, revoked or not; the fake applies the same visibility rule as the table query. */
function world(revoked: boolean) {
  const visible = (userId: string, anyUser: boolean) => userId === 'ann' || anyUser;
  const fake = new FakeTeamTransactions(new Map(), {
    accessTokens: {
      revoke: jest.fn(async (_id: string, userId: string, anyUser: boolean) => !revoked && visible(userId, anyUser)),
      isVisible: jest.fn(async (_id: string, userId: string, anyUser: boolean) => visible(userId, anyUser)),
    },
  });
  return new RevokeAccessToken(fake);
}

describe('RevokeAccessToken', () => {
  it('revokes your own token, and again without complaint', async () => {
    await expect(world(false).execute({ id: ID }, 'ann', false)).resolves.toBe(true);
    await expect(world(true).execute({ id: ID }, 'ann', false)).resolves.toBe(true);
  });

  it("answers NOT_FOUND for someone else's token, unless a platform ADMIN asks", async () => {
    await expect(world(false).execute({ id: ID }, 'bob', false)).rejects.toThrow(NotFoundError);
    await expect(world(false).execute({ id: ID }, 'bob', true)).resolves.toBe(true);
  });
});
