// Bundles the dashboard (index.html) and GraphiQL (graphiql.html) into apps/web/dist, each page naming
// its content-hashed script and stylesheet, nothing loaded from another origin. `--if-stale` skips the work
// when dist/ is newer than every source, so `npm start` and the browser tests can call it always.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
const stamp = path.join(dist, 'index.html');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

const schemaFile = path.join(here, '../../schemas/graphql/schema.graphql');
const sourcesTime = Math.max(
  newestSource(path.join(here, 'src')),
  fs.statSync(fileURLToPath(import.meta.url)).mtimeMs,
  fs.statSync(schemaFile).mtimeMs,
);
if (process.argv.includes('--if-stale') && fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= sourcesTime) {
  process.exit(0);
}

fs.rmSync(dist, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: { app: path.join(here, 'src/main.ts'), graphiql: path.join(here, 'src/graphiql.ts') },
  loader: { '.graphql': 'text' },
  define: { 'process.env.NODE_ENV': '"production"' },
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  outdir: path.join(dist, 'assets'),
  entryNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

for (const [page, entry] of [
  ['index.html', 'src/main.ts'],
  ['graphiql.html', 'src/graphiql.ts'],
]) {
  const [script, meta] = Object.entries(result.metafile.outputs).find(([, m]) => m.entryPoint?.endsWith(entry));
  const html = fs
    .readFileSync(path.join(here, 'src', page), 'utf8')
    .replace('%SCRIPT%', `/assets/${path.basename(script)}`)
    .replace('%STYLE%', `/assets/${path.basename(meta.cssBundle)}`);
  fs.writeFileSync(path.join(dist, page), html);
}
const outputs = Object.keys(result.metafile.outputs).map((file) => ({ name: path.basename(file) }));
for (const { name } of outputs) {
  const size = fs.statSync(path.join(dist, 'assets', name)).size;
  process.stdout.write(`web: assets/${name} ${(size / 1024).toFixed(1)} KiB\n`);
}
