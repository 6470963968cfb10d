import * as path from 'node:path';
import { compilerOptions } from '../tsconfig.json';

const { aliasTarget } = require('./register-aliases.js') as {
  aliasTarget: (request: string, root: string) => string | undefined;
};

describe("register-aliases (the compiled apps' alias resolver)", () => {
  const root = '/dist';

  it.each(Object.entries(compilerOptions.paths))('maps %s where tsconfig.json does', (alias, [target]) => {
    const file = alias.endsWith('/*') ? alias.replace('*', 'some/file') : alias;
    const expected = path.join(root, target.replace('*', 'some/file'));
    expect(aliasTarget(file, root)).toBe(expected);
  });

  it('leaves other requests alone', () => {
    expect(aliasTarget('@apollo/server', root)).toBeUndefined();
    expect(aliasTarget('./local', root)).toBeUndefined();
  });
});
