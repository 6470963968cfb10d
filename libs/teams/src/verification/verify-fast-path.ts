import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthService, bearerToken } from '@app/auth';
import { restErrorBody } from '@app/errors';
import { logger, requestIdFrom } from '@app/observability';
import { REQUEST_ID_HEADER } from '@app/platform';
import { KeyVerificationService } from '../key-verification.service';
import { KEY_INPUT_RULE, keyOfBody } from '../keys.controller';

const PATH = '/v1/keys/verify';
/** `{"key": "<200 characters>"}` with room for whitespace: a larger verify body goes the framework's way */
const MAX_BODY_BYTES = 1024;

/**
 * POST /v1/keys/verify from the gateway, answered before Express and Nest: the model gateway
 * asks on every model call, and the framework's routing, middleware and interceptors cost more
 * than the answer from memory (issue 19). It takes only what it can answer exactly as
 * KeysController does: a configured service token and a JSON body with a length of at most 1 KiB.
 * Anything else (other tokens, which get their 401 or 403 there, chunked or large bodies)
 * continues to Express untouched, the body still unread.
 */
@Injectable()
export class VerifyFastPath implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly auth: AuthService,
    private readonly verification: KeyVerificationService,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    const [framework] = server?.listeners('request') ?? [];
    if (!server || !framework) return;
    server.removeListener('request', framework as () => void);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (this.takes(req)) void this.answer(req, res);
      else (framework as (req: IncomingMessage, res: ServerResponse) => void)(req, res);
    });
  }

  private takes(req: IncomingMessage): boolean {
    if (req.method !== 'POST' || req.url !== PATH) return false;
    const length = Number(req.headers['content-length']);
    if (!(length > 0 && length <= MAX_BODY_BYTES)) return false;
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return false;
    const token = bearerToken(req.headers.authorization);
    return token !== undefined && this.auth.isServiceToken(token);
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader(REQUEST_ID_HEADER, requestIdFrom(req.headers['x-request-id']));
    try {
      const text = await bodyOf(req);
      let body: unknown;
      try {
        // Express's parser is strict: an object or an array, nothing else
        if (!/^\s*[[{]/.test(text)) throw new SyntaxError('not an object or array');
        body = JSON.parse(text);
      } catch {
        return send(res, 400, restErrorBody('BAD_USER_INPUT', 'body: not valid JSON'));
      }
      const key = keyOfBody(body);
      if (key === undefined) return send(res, 400, restErrorBody('BAD_USER_INPUT', KEY_INPUT_RULE));
      send(res, 200, await this.verification.verify(key));
    } catch (error) {
      logger.error('unexpected REST error', { error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) send(res, 500, restErrorBody('INTERNAL_SERVER_ERROR', 'internal error'));
      else res.destroy();
    }
  }
}

/** The body as text, from its events (an async iterator per request showed in the profile). */
function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
  });
  res.end(json);
}
