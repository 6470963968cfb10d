import { JsonLogger, requestIdFrom, withRequestId } from './logger';

function capture(level: ConstructorParameters<typeof JsonLogger>[0]) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = new JsonLogger(level, (line) => void lines.push(JSON.parse(line)));
  return { logger, lines };
}

describe('JsonLogger', () => {
  it('drops lines below its level and writes the rest as JSON with level and message', () => {
    const { logger, lines } = capture('warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w', { partition: 1 });
    logger.error('e');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'w'],
      ['error', 'e'],
    ]);
    expect(lines[0].partition).toBe(1);
    expect(typeof lines[0].time).toBe('string');
  });

  it('follows a level change (LOG_LEVEL is applied after the process started)', () => {
    const { logger, lines } = capture('info');
    logger.debug('hidden');
    logger.setLevel('debug');
    logger.debug('shown');
    expect(lines.map((l) => l.msg)).toEqual(['shown']);
  });

  it("takes Nest's calls: context, stack, verbose as debug, bootstrap chatter as debug", () => {
    const { logger, lines } = capture('info');
    logger.log('Mapped {/graphql, POST} route', 'RouterExplorer');
    logger.verbose('details', 'Anything');
    logger.log('listening', 'Custom');
    logger.error('boom', 'Error: boom\n    at x (y.js:1:1)', 'ExceptionsHandler');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', msg: 'listening', context: 'Custom' }),
      expect.objectContaining({
        level: 'error',
        msg: 'boom',
        context: 'ExceptionsHandler',
        stack: expect.stringContaining('at x'),
      }),
    ]);
  });

  it('puts the request id on each line written within the request, across awaits, and on none outside', async () => {
    const { logger, lines } = capture('info');
    await withRequestId('req-1', async () => {
      logger.info('before');
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info('after');
    });
    logger.info('outside');
    expect(lines.map((l) => [l.msg, l.requestId])).toEqual([
      ['before', 'req-1'],
      ['after', 'req-1'],
      ['outside', undefined],
    ]);
  });

  it('never writes a token: secret-named fields and bearer credentials are redacted', () => {
    const { logger, lines } = capture('info');
    logger.warn('auth failed for Bearer uat_secret123 at /graphql', {
      headers: { authorization: 'Bearer uat_secret123', host: 'h' },
      serviceToken: 'svc-token-value-123456',
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('uat_secret123');
    expect(text).not.toContain('svc-token-value-123456');
    expect(lines[0]).toMatchObject({ msg: 'auth failed for Bearer [redacted] at /graphql', headers: { host: 'h' } });
  });
});

describe('requestIdFrom', () => {
  it('keeps a sane incoming X-Request-Id', () => {
    expect(requestIdFrom('abc-123_x.y:z')).toBe('abc-123_x.y:z');
    expect(requestIdFrom(['first-id', 'second'])).toBe('first-id');
  });

  it('replaces a missing, too long or unsafe one with a new UUID', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const header of [undefined, '', 'a'.repeat(129), 'x\n{"level":"error"}', '<script>', 'has space']) {
      expect(requestIdFrom(header)).toMatch(uuid);
    }
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });
});
