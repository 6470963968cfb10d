// Lint of every TypeScript file, with type information (typescript-eslint's type-checked rules).
// Formatting is Prettier's alone (eslint-config-prettier turns the overlapping rules off).
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'apps/web/dist/**',
      '.data/**',
      'libs/ingest/src/generated/**',
      'jest.config.js',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.mjs', '**/*.js'], ...tseslint.configs.disableTypeChecked },
  // the alias resolver, jest's test environment and the bench's profiler hook are plain CommonJS, loaded
  // before any TypeScript exists
  {
    files: [
      'scripts/register-aliases.js',
      'scripts/register-aliases.spec.ts',
      'test/harness/engine-environment.js',
      'bench/cpu-profile-hook.js',
    ],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // tests and benchmarks read GraphQL and REST answers as the untyped JSON they are, and assert on them;
    // their fakes and polling probes implement async interfaces without awaiting, and pass methods to expect()
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts', 'libs/teams/src/usecases/fake-team-transactions.ts'],
    rules: {
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // the dashboard's pages read GraphQL answers as the untyped JSON they are and show them
    files: ['apps/web/src/pages/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
