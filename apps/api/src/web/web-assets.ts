import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '@app/config';

/** Where `npm run build:web` writes the dashboard and GraphiQL (two pages, content-hashed assets). */
export const WEB_DIST_DIR = path.join(packageRoot(), 'apps/web/dist');

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

/** Only names esbuild writes: no path separators, no dot files, a known type. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*\.(js|css|svg|woff2)$/;

export interface WebAsset {
  body: Buffer;
  contentType: string;
}

/**
 * The built dashboard, read from disk on demand (a rebuild while the service runs is picked up)
 * and only by a name listed in the build directory, so no request can reach another file.
 */
export class WebAssets {
  constructor(private readonly dir = WEB_DIST_DIR) {}

  /** The dashboard (index.html) or GraphiQL (graphiql.html). */
  page(name: 'index.html' | 'graphiql.html'): Buffer | undefined {
    const file = path.join(this.dir, name);
    return fs.existsSync(file) ? fs.readFileSync(file) : undefined;
  }

  asset(name: string): WebAsset | undefined {
    if (!ASSET_NAME.test(name)) return undefined;
    const assetsDir = path.join(this.dir, 'assets');
    if (!fs.existsSync(assetsDir) || !fs.readdirSync(assetsDir).includes(name)) return undefined;
    return { body: fs.readFileSync(path.join(assetsDir, name)), contentType: CONTENT_TYPES[path.extname(name)] };
  }
}
