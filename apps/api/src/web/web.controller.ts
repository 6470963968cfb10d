import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
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
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function strictHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', WEB_CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
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
    strictHeaders(res);
    const page = this.assets.index();
    if (!page) {
      res.status(503).type('text/plain').send('The web dashboard is not built: run `npm run build:web`.\n');
      return;
    }
    // the page names content-hashed assets: always revalidated, so a rebuild is seen at once
    res.setHeader('Cache-Control', 'no-cache');
    res.status(200).type('text/html; charset=utf-8').send(page);
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
