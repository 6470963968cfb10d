import { ArgumentsHost, NotFoundException, InternalServerErrorException } from '@nestjs/common';
import { BadUserInputError, RateLimitedError } from './domain-error';
import { RestErrorFilter } from './error-mapping';

/** An Express-like response that records what the filter answered. */
class RecordedResponse {
  headersSent = false;
  destroyed = false;
  statusCode = 0;
  body: unknown;
  headers = new Map<string, string>([
    ['content-type', 'text/plain'],
    ['content-disposition', 'attachment'],
  ]);
  setHeader(name: string, value: string) {
    this.headers.set(name.toLowerCase(), value);
  }
  removeHeader(name: string) {
    this.headers.delete(name.toLowerCase());
  }
  status(code: number) {
    this.statusCode = code;
    return { json: (body: unknown) => (this.body = body) };
  }
  destroy() {
    this.destroyed = true;
  }
}

function httpHost(res: RecordedResponse): ArgumentsHost {
  return { getType: () => 'http', switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
}

describe('RestErrorFilter', () => {
  const filter = new RestErrorFilter();
  let stderr: jest.SpyInstance;
  beforeEach(() => (stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true)));
  afterEach(() => stderr.mockRestore());

  it('answers a domain error with its code, status and details, as JSON', () => {
    const res = new RecordedResponse();
    filter.catch(new BadUserInputError('from: not a date', { field: 'from' }), httpHost(res));
    expect(res.statusCode).toBe(400);
    expect(res.body).toEqual({ error: { code: 'BAD_USER_INPUT', message: 'from: not a date', field: 'from' } });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.has('content-disposition')).toBe(false);
  });

  it('answers RATE_LIMITED with 429 and Retry-After', () => {
    const res = new RecordedResponse();
    filter.catch(new RateLimitedError('slow down', 7), httpHost(res));
    expect(res.statusCode).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.body).toEqual({ error: { code: 'RATE_LIMITED', message: 'slow down', retryAfterSeconds: 7 } });
  });

  it('maps Nest HttpExceptions by status', () => {
    const res = new RecordedResponse();
    filter.catch(new NotFoundException('Cannot GET /nope'), httpHost(res));
    expect(res.statusCode).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Cannot GET /nope' } });
  });

  it.each([
    ['an unexpected error', new Error('connect ECONNREFUSED 10.0.0.7:5432')],
    ['a 5xx HttpException', new InternalServerErrorException('pool exhausted at db-primary')],
    ['a thrown string', 'raw failure text'],
  ])('masks %s as a 500, logging what happened', (_, error) => {
    const res = new RecordedResponse();
    filter.catch(error, httpHost(res));
    expect(res.statusCode).toBe(500);
    expect(res.body).toEqual({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'internal error' } });
    const logged = stderr.mock.calls.map((c) => String(c[0])).join('');
    expect(logged).toContain('unexpected REST error');
    expect(logged).toContain(error instanceof Error ? error.message : error);
  });

  it('cuts a response whose headers went out already instead of ending it as if whole', () => {
    const res = new RecordedResponse();
    res.headersSent = true;
    filter.catch(new Error('engine failed on page 3'), httpHost(res));
    expect(res.destroyed).toBe(true);
    expect(res.statusCode).toBe(0);
  });

  it('hands GraphQL errors back untouched (formatGraphQLError shapes them)', () => {
    const error = new BadUserInputError('x');
    expect(filter.catch(error, { getType: () => 'graphql' } as unknown as ArgumentsHost)).toBe(error);
  });
});
