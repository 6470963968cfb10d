// Resolves the @app/* path aliases of tsconfig.json in the compiled tree: tsc leaves them as
// written, and tsconfig-paths is a development dependency the production image does not have.
// Preloaded by the compiled apps: node -r ./scripts/register-aliases.js dist/apps/<app>/src/main.js
'use strict';
const Module = require('node:module');
const path = require('node:path');

const APPS = new Set(['api', 'ingest-worker', 'standalone', 'cli']);
const ALIAS = /^@app\/([^/]+)(?:\/(.+))?$/;

/** `@app/<app>/<file>` is apps/<app>/src/<file>; `@app/<lib>[/<file>]` is libs/<lib>/src[/<file>]. */
function aliasTarget(request, root) {
  const match = ALIAS.exec(request);
  if (!match) return undefined;
  const [, name, rest] = match;
  const base = path.join(root, APPS.has(name) ? 'apps' : 'libs', name, 'src');
  return rest ? path.join(base, rest) : base;
}

const distRoot = path.resolve(__dirname, '..', 'dist');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveAlias(request, ...rest) {
  return resolveFilename.call(this, aliasTarget(request, distRoot) ?? request, ...rest);
};

module.exports = { aliasTarget };
