import { createHmac } from 'node:crypto';
import { signatureHeader, verifySignature } from './signature';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"type":"alert","id":"e1"}';

  it('is t=<unix>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    const header = signatureHeader(secret, body, 1_700_000_000);
    const mac = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(header).toBe(`t=1700000000,v1=${mac}`);
  });

  it('verifies the body it was made for, and nothing else', () => {
    const header = signatureHeader(secret, body, 1_700_000_000);
    expect(verifySignature(secret, body, header, 1_700_000_010)).toBe(true);
    expect(verifySignature(secret, body.replace('e1', 'e2'), header, 1_700_000_010)).toBe(false);
    expect(verifySignature('whsec_other', body, header, 1_700_000_010)).toBe(false);
    expect(verifySignature(secret, body, header.replace('t=1700000000', 't=1700000001'), 1_700_000_010)).toBe(false);
    expect(verifySignature(secret, body, 'garbage', 1_700_000_010)).toBe(false);
  });

  it('refuses a signature older than the tolerance (a replay)', () => {
    const header = signatureHeader(secret, body, 1_700_000_000);
    expect(verifySignature(secret, body, header, 1_700_000_000 + 301)).toBe(false);
  });
});
