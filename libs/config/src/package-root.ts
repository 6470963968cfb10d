import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

/**
 * The directory of the project's package.json, found by walking up from this file, so files
 * read at run time (schemas/, .data/) are found alike from the sources and from dist/.
 */
export function packageRoot(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return (cached = dir);
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}
