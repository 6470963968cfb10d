import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WebAssets } from './web-assets';

describe('WebAssets', () => {
  let dir: string;
  let assets: WebAssets;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'web-assets-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
    fs.writeFileSync(path.join(dir, 'assets/app-ABC123.js'), 'export {}');
    fs.writeFileSync(path.join(dir, 'assets/.hidden.js'), 'secret');
    fs.writeFileSync(path.join(dir, 'assets/notes.txt'), 'text');
    fs.writeFileSync(path.join(dir, 'secret.js'), 'outside assets/');
    assets = new WebAssets(dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves a built asset with its type', () => {
    expect(assets.asset('app-ABC123.js')).toEqual({
      body: Buffer.from('export {}'),
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(assets.page('index.html')?.toString()).toBe('<!doctype html>');
  });

  it.each(['../secret.js', '..%2Fsecret.js', '.hidden.js', 'notes.txt', 'missing-1.js', 'assets/app-ABC123.js', ''])(
    'refuses %j',
    (name) => expect(assets.asset(name)).toBeUndefined(),
  );

  it('answers nothing when the pages are not built', () => {
    const empty = new WebAssets(path.join(dir, 'nowhere'));
    expect(empty.page('graphiql.html')).toBeUndefined();
    expect(empty.asset('app-ABC123.js')).toBeUndefined();
  });
});
