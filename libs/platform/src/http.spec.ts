import type { NextFunction, Request, Response } from 'express';
import { currentRequestId } from '@app/observability';
import { requestIdMiddleware } from './http';

function run(incoming?: string): { header: string; seen: string | undefined } {
  const headers: Record<string, string> = {};
  const req = { headers: incoming === undefined ? {} : { 'x-request-id': incoming } } as unknown as Request;
  const res = { setHeader: (name: string, value: string) => void (headers[name] = value) } as unknown as Response;
  let seen: string | undefined;
  requestIdMiddleware(req, res, (() => void (seen = currentRequestId())) as NextFunction);
  return { header: headers['X-Request-Id'], seen };
}

describe('requestIdMiddleware', () => {
  it('echoes a sane incoming X-Request-Id and runs the request with it', () => {
    expect(run('trace-42')).toEqual({ header: 'trace-42', seen: 'trace-42' });
  });

  it('answers a new id when none or an unsafe one came', () => {
    for (const incoming of [undefined, 'bad id\r\nSet-Cookie: x']) {
      const { header, seen } = run(incoming);
      expect(header).toMatch(/^[0-9a-f-]{36}$/);
      expect(seen).toBe(header);
    }
  });
});
