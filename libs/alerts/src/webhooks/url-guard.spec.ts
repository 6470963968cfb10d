import { BadUserInputError } from '@app/errors';
import { isForbiddenAddress, WebhookUrlGuard } from './url-guard';

describe('WebhookUrlGuard (server-side request forgery)', () => {
  const guard = new WebhookUrlGuard([]);

  it.each([
    ['ftp://example.com/hook', /http or https/],
    ['file:///etc/passwd', /http or https/],
    ['gopher://example.com', /http or https/],
    ['http://user:pass@example.com/hook', /credentials/],
    ['not a url', /not a URL/],
    ['http://127.0.0.1:8080/hook', /private, loopback or link-local/],
    ['http://10.1.2.3/hook', /private/],
    ['http://172.16.0.1/hook', /private/],
    ['http://192.168.1.1/hook', /private/],
    ['http://169.254.169.254/latest/meta-data', /link-local/],
    ['http://100.64.0.1/', /private/],
    ['http://0.0.0.0/', /private/],
    ['http://[::1]/hook', /private/],
    ['http://[::ffff:127.0.0.1]/hook', /private/],
    ['http://[fe80::1]/hook', /private/],
    ['http://[fd00::1]/hook', /private/],
    ['http://localhost:9/hook', /private/],
    ['http://2130706433/hook', /private/], // 127.0.0.1 as one number
  ])('refuses %s', async (url, message) => {
    const refusal = guard.check(url);
    await expect(refusal).rejects.toThrow(BadUserInputError);
    await expect(refusal).rejects.toThrow(message);
  });

  it('accepts a public address, and a private one only on the allow-list', async () => {
    await expect(guard.check('https://93.184.215.14/hook')).resolves.toBeInstanceOf(URL);
    const allowing = new WebhookUrlGuard(['127.0.0.1']);
    await expect(allowing.check('http://127.0.0.1:8080/hook')).resolves.toBeInstanceOf(URL);
    // the list names hosts: another loopback name is still refused
    await expect(allowing.check('http://localhost:8080/hook')).rejects.toThrow(BadUserInputError);
  });

  it('classifies addresses', () => {
    expect(isForbiddenAddress('8.8.8.8')).toBe(false);
    expect(isForbiddenAddress('2606:4700:4700::1111')).toBe(false);
    expect(isForbiddenAddress('127.0.0.53')).toBe(true);
    expect(isForbiddenAddress('::ffff:10.0.0.1')).toBe(true);
    expect(isForbiddenAddress('not-an-ip')).toBe(true);
  });
});

describe('WebhookUrlGuard.lookupFor (checked again when connecting: DNS rebinding)', () => {
  const resolve = (guard: WebhookUrlGuard, url: string) =>
    new Promise<{ error: Error | null; address: unknown }>((done) =>
      guard.lookupFor(new URL(url))('localhost', { family: 4 }, (error, address) => done({ error, address })),
    );

  it('refuses a name that resolves to a loopback address now', async () => {
    const { error } = await resolve(new WebhookUrlGuard([]), 'http://rebinding.example/hook');
    expect(error?.message).toMatch(/forbidden address/);
  });

  it('lets an allowed host through', async () => {
    const { error, address } = await resolve(new WebhookUrlGuard(['localhost']), 'http://localhost:9/hook');
    expect(error).toBeNull();
    expect(address).toBe('127.0.0.1');
  });
});
