import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { createTestUser, graphql, startStandalone, TestUser } from '../harness/app';
import { dropDatabase, isolatedConfig, waitFor } from '../harness/test-env';

/** Medium 9: access tokens expire and can be revoked; their owner lists them (no secrets). */
describe('access tokens', () => {
  let config: AppConfig;
  let app: INestApplication;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    config = isolatedConfig('access_tokens');
    app = await startStandalone(config);
    alice = await createTestUser(app, 'alice');
    bob = await createTestUser(app, 'bob');
  });
  afterAll(async () => {
    await app?.close();
    if (config) await dropDatabase(config);
  });

  const create = 'mutation($n: String!, $e: DateTime) { createAccessToken(name: $n, expiresAt: $e) { id name token } }';
  const revoke = 'mutation($id: ID!) { revokeAccessToken(id: $id) }';
  const codes = (res: { errors?: Array<{ extensions?: { code?: string } }> }) =>
    (res.errors ?? []).map((e) => e.extensions?.code);

  it('an expired token fails at once', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const made = (await graphql<any>(app, create, { n: 'short', e: expiresAt }, alice.token)).data.createAccessToken;
    expect((await graphql<any>(app, '{ me { id } }', {}, made.token)).data.me.id).toBe(alice.id);
    await waitFor(
      'the expiry',
      async () => codes(await graphql(app, '{ me { id } }', {}, made.token)),
      (c) => c[0] === 'UNAUTHENTICATED',
      5000,
    );
    const past = await graphql(app, create, { n: 'past', e: new Date(Date.now() - 1000).toISOString() }, alice.token);
    expect(codes(past)).toEqual(['BAD_USER_INPUT']);
  });

  it('a revoked token fails on the next request; only its owner (or a platform ADMIN) revokes it', async () => {
    const made = (await graphql<any>(app, create, { n: 'ci' }, alice.token)).data.createAccessToken;
    expect(codes(await graphql(app, revoke, { id: made.id }, bob.token))).toEqual(['NOT_FOUND']);
    expect((await graphql<any>(app, '{ me { id } }', {}, made.token)).data.me.id).toBe(alice.id);
    expect((await graphql<any>(app, revoke, { id: made.id }, alice.token)).data.revokeAccessToken).toBe(true);
    expect(codes(await graphql(app, '{ me { id } }', {}, made.token))).toEqual(['UNAUTHENTICATED']);

    const another = (await graphql<any>(app, create, { n: 'leaked' }, bob.token)).data.createAccessToken;
    expect((await graphql<any>(app, revoke, { id: another.id })).data.revokeAccessToken).toBe(true); // harness ADMIN
    expect(codes(await graphql(app, '{ me { id } }', {}, another.token))).toEqual(['UNAUTHENTICATED']);
  });

  it("me.accessTokens lists my tokens with their state and last use, never a secret, never anyone else's", async () => {
    const made = (await graphql<any>(app, create, { n: 'listed' }, alice.token)).data.createAccessToken;
    await graphql(app, '{ me { id } }', {}, made.token);
    const list = `{ me { accessTokens { id name createdAt expiresAt lastUsedAt revokedAt } } }`;
    const mine = (await graphql<any>(app, list, {}, alice.token)).data.me.accessTokens;
    const listed = mine.find((t: { id: string }) => t.id === made.id);
    expect(listed).toMatchObject({ name: 'listed', revokedAt: null });
    await waitFor(
      'the last use',
      async () =>
        (await graphql<any>(app, list, {}, made.token)).data.me.accessTokens.find((t: any) => t.id === made.id)
          .lastUsedAt,
      (v) => v !== null,
      5000,
    );
    expect(mine.filter((t: { revokedAt: string | null }) => t.revokedAt !== null).length).toBeGreaterThan(0);
    expect(JSON.stringify(mine)).not.toContain(made.token);
    // another user's tokens, reached through a shared team, are filtered out by the AccessToken rule
    const team = (await graphql<any>(app, 'mutation { createTeam(name: "pair") { id } }', {}, alice.token)).data
      .createTeam;
    const bobName = (await graphql<any>(app, '{ me { username } }', {}, bob.token)).data.me.username;
    const inv = `mutation($t: ID!, $u: String!) { inviteMember(teamId: $t, usernameOrEmail: $u, role: MEMBER) { token
      } }`;
    const token = (await graphql<any>(app, inv, { t: team.id, u: bobName }, alice.token)).data.inviteMember.token;
    await graphql(app, 'mutation($k: String!) { acceptInvitation(token: $k) { role } }', { k: token }, bob.token);
    const nested = `query($t: ID!) { team(id: $t) { members { user { id accessTokens { id } } } } }`;
    const members = (await graphql<any>(app, nested, { t: team.id }, alice.token)).data.team.members;
    const bobsTokens = members.find((m: any) => m.user.id === bob.id).user.accessTokens;
    expect(bobsTokens).toEqual([]);
    expect(members.find((m: any) => m.user.id === alice.id).user.accessTokens.length).toBe(mine.length);
  });
});
