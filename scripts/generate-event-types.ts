// Generates the TypeScript types of the event contract from schemas/events/*.schema.json.
// `--check` exits non-zero when the committed file differs (run by the unit tests).
import { compileFromFile } from 'json-schema-to-typescript';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const targets = [
  {
    schema: path.join(root, 'schemas/events/call-event.v1.schema.json'),
    out: path.join(root, 'libs/ingest/src/generated/call-event.v1.ts'),
  },
];

export async function renderEventTypes(schemaFile: string): Promise<string> {
  return compileFromFile(schemaFile, {
    bannerComment: '/* Generated from schemas/events by scripts/generate-event-types.ts. Do not edit. */',
    additionalProperties: false,
    ignoreMinAndMaxItems: true,
    style: { singleQuote: true },
  });
}

async function main() {
  const check = process.argv.includes('--check');
  let stale = false;
  for (const t of targets) {
    const text = await renderEventTypes(t.schema);
    const current = fs.existsSync(t.out) ? fs.readFileSync(t.out, 'utf8') : '';
    if (text === current) continue;
    if (check) {
      stale = true;
      console.error(`${path.relative(root, t.out)} is out of date: run npm run generate:types`);
    } else {
      fs.writeFileSync(t.out, text);
      console.log(`wrote ${path.relative(root, t.out)}`);
    }
  }
  if (stale) process.exit(1);
}

if (require.main === module) void main();
