import { Controller, Get, Param, Res } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Public } from '@app/auth';
import { NotFoundError } from '@app/errors';
import { WebAssets } from './web-assets';

/**
 * Scripts and styles only from this origin (no inline script, no eval); API calls and graphql-ws
 * to this origin only; no framing, no referrer, no MIME sniffing.
 */
export const WEB_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  // GraphiQL's stylesheet carries its fonts inline
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function strictHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', WEB_CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function sendPage(res: Response, page: Buffer | undefined): void {
  strictHeaders(res);
  if (!page) {
    res.status(503).type('text/plain').send('The web pages are not built: run `npm run build:web`.\n');
    return;
  }
  // the pages name content-hashed assets: always revalidated, so a rebuild is seen at once
  res.setHeader('Cache-Control', 'no-cache');
  res.status(200).type('text/html; charset=utf-8').send(page);
}

/**
 * GraphiQL for a browser's GET /graphql (one that prefers HTML and sends no query); GraphQL
 * requests, GET or POST, go on to Apollo unchanged. The page is public like `/`: it asks for
 * a token and sends it in a header.
 */
export function graphiqlMiddleware(assets = new WebAssets()) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.query.query !== undefined || req.accepts(['application/json', 'text/html']) !== 'text/html') return next();
    sendPage(res, assets.page('graphiql.html'));
  };
}

/**
 * The web dashboard: public files (the page asks for a token itself; every number comes from
 * the token-guarded GraphQL API).
 */
@Controller()
export class WebController {
  private readonly assets = new WebAssets();

  @Public()
  @Get()
  index(@Res() res: Response): void {
    sendPage(res, this.assets.page('index.html'));
  }

  @Public()
  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() res: Response): void {
    const asset = this.assets.asset(name);
    if (!asset) throw new NotFoundError(`no asset ${JSON.stringify(name.slice(0, 100))}`);
    strictHeaders(res);
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.status(200).setHeader('Content-Type', asset.contentType);
    res.send(asset.body);
  }
}
