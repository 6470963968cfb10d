import { loadConfig } from '@app/config';
import { AuthService, TokenResolver } from './auth.service';

const OLD = 'old-gateway-token-0123456789';
const NEW = 'new-gateway-token-9876543210';

describe('gateway service tokens', () => {
  it('reads SERVICE_TOKENS (comma-separated, for rotation) merged with SERVICE_TOKEN', () => {
    expect(loadConfig({ SERVICE_TOKENS: `${OLD}, ${NEW}` }).auth.serviceTokens).toEqual([OLD, NEW]);
    expect(loadConfig({ SERVICE_TOKENS: OLD, SERVICE_TOKEN: NEW }).auth.serviceTokens).toEqual([OLD, NEW]);
    expect(loadConfig({ SERVICE_TOKENS: OLD, SERVICE_TOKEN: OLD }).auth.serviceTokens).toEqual([OLD]);
    expect(loadConfig({ SERVICE_TOKEN: NEW }).auth.serviceTokens).toEqual([NEW]);
    expect(loadConfig({}).auth.serviceTokens).toEqual([]);
  });

  it('refuses a token shorter than 16 characters, naming the variable', () => {
    expect(() => loadConfig({ SERVICE_TOKENS: `${OLD},short` })).toThrow(/SERVICE_TOKENS: .*at least 16 characters/);
    expect(() => loadConfig({ SERVICE_TOKEN: 'short' })).toThrow(/SERVICE_TOKEN/);
  });

  it('authenticates each configured token as the service, and nothing else as it', async () => {
    const seen: string[] = [];
    const people: TokenResolver = {
      resolve: async (token) => {
        seen.push(token);
        return token === 'uat_person' ? { kind: 'user', userId: 'u1', platformRoles: [] } : null;
      },
    };
    const auth = new AuthService(loadConfig({ SERVICE_TOKENS: `${OLD},${NEW}` }), [people]);
    expect(await auth.authenticate(OLD)).toEqual({ kind: 'service' });
    expect(await auth.authenticate(NEW)).toEqual({ kind: 'service' });
    expect(await auth.authenticate(`${NEW}x`)).toBeNull();
    expect(await auth.authenticate(NEW.slice(0, -1))).toBeNull();
    expect(await auth.authenticate('uat_person')).toEqual({ kind: 'user', userId: 'u1', platformRoles: [] });
    expect(await auth.authenticate(undefined)).toBeNull();
    // service tokens never reach the person resolvers
    expect(seen).toEqual([`${NEW}x`, NEW.slice(0, -1), 'uat_person']);
    const none = new AuthService(loadConfig({}), [people]);
    expect(await none.authenticate(OLD)).toBeNull();
  });
});
