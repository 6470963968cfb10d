import { loadConfig } from './app-config';

describe('CURRENCY', () => {
  it('is USD unless configured, and any three capital letters (ISO 4217 shape) when configured', () => {
    expect(loadConfig({}).pricing.currency).toBe('USD');
    expect(loadConfig({ CURRENCY: 'EUR' }).pricing.currency).toBe('EUR');
  });

  it('refuses anything else at start, naming the variable', () => {
    for (const bad of ['usd', 'US', 'EURO', 'U$D', ' EUR'])
      expect(() => loadConfig({ CURRENCY: bad })).toThrow(/CURRENCY must be an ISO 4217 code/);
  });
});
