// @ts-check
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'http',
  'https',
  'crypto',
  'stream',
  'url',
  'zlib',
  'buffer',
];

const uiNoServer = {
  group: ['@/server/*', '../server/*', '../../server/*'],
  message: 'src/ui never imports the server.',
};

/**
 * The UI's feature folders. Each meets the others only through their front door, `@/ui/<feature>` (its
 * index.ts), and builds on `@/ui/shared`; `app` puts them together and nothing imports it (bulletproof-react's
 * lint zones). Import cycles are refused everywhere by `import-x/no-cycle` below.
 */
const uiFeatures = ['app', 'history', 'preview', 'results', 'settings', 'sheet', 'spans', 'submission'];

/**
 * Import direction: core <- client <- ui, core <- server, and cli on top of core and client (its `serve` and
 * `backup` commands alone import the server). Nothing imports ui; ui never imports server.
 * NOTE: ESLint keeps only the last `no-restricted-imports` that applies to a file, so the entries after `ui`,
 * which narrow it for the shared folder and each feature, repeat `uiNoServer`.
 */
const boundaries = {
  core: {
    files: ['src/core/**/*.ts'],
    patterns: [
      {
        group: ['@/ui/*', '@/client/*', '@/server/*', '../ui/*', '../client/*', '../server/*'],
        message: 'src/core imports nothing but core.',
      },
      { group: ['react', 'react-dom', 'react/*', 'react-dom/*'], message: 'src/core has no React.' },
      {
        group: nodeBuiltins,
        message: 'src/core has no Node imports: the browser, a worker and the server all use it.',
      },
    ],
  },
  client: {
    files: ['src/client/**/*.ts'],
    patterns: [
      { group: ['@/ui/*', '@/server/*', '../ui/*', '../server/*'], message: 'src/client imports core only.' },
      { group: nodeBuiltins, message: 'src/client runs in the browser too: no Node imports.' },
    ],
  },
  cli: {
    files: ['src/cli/**/*.ts'],
    ignores: ['src/cli/serve*.ts', 'src/cli/backup*.ts'],
    patterns: [
      {
        group: ['@/ui/*', '@/server/*', '../ui/*', '../server/*'],
        message:
          'src/cli imports core and client; only src/cli/serve*.ts and backup*.ts (`serve`, `backup`) import the server.',
      },
    ],
  },
  cliServe: {
    files: ['src/cli/serve*.ts', 'src/cli/backup*.ts'],
    patterns: [{ group: ['@/ui/*', '../ui/*'], message: 'src/cli never imports the UI.' }],
  },
  server: {
    files: ['src/server/**/*.ts'],
    patterns: [
      { group: ['@/ui/*', '@/client/*', '../ui/*', '../client/*'], message: 'src/server imports core only.' },
    ],
  },
  ui: {
    files: ['src/ui/**/*.{ts,tsx}'],
    patterns: [uiNoServer],
  },
  uiShared: {
    files: ['src/ui/shared/**/*.{ts,tsx}'],
    patterns: [
      uiNoServer,
      {
        group: ['@/ui/*', '!@/ui/shared', '@/ui/*/**', '!@/ui/shared/**', '../**'],
        message: 'src/ui/shared imports no feature: features build on it, not the other way round.',
      },
    ],
  },
  ...Object.fromEntries(
    uiFeatures.map((feature) => [
      `ui-${feature}`,
      {
        files: [`src/ui/${feature}/**/*.{ts,tsx}`],
        patterns: [
          uiNoServer,
          {
            group: ['@/ui/*/**', `!@/ui/${feature}/**`, '!@/ui/shared/**', '../**'],
            message:
              "That is another feature's internals: import it through its front door, @/ui/<feature> (its index.ts).",
          },
          ...(feature === 'app'
            ? []
            : [
                {
                  group: ['@/ui/app', '@/ui/app/**'],
                  message: 'Features never import the app; it imports them.',
                },
              ]),
        ],
      },
    ]),
  ),
};

export default tseslint.config(
  { ignores: ['dist', 'data', 'coverage', 'node_modules', 'public', '.venv-test'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'tests/ui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // The app does not use the React Compiler; this rule only says it would skip TanStack Virtual's hook.
      'react-hooks/incompatible-library': 'off',
    },
  },
  ...Object.values(boundaries).map(({ files, patterns, ...rest }) => ({
    files,
    ...('ignores' in rest ? { ignores: rest.ignores } : {}),
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  })),
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      // import-x reads the imported files too: TypeScript ones, with the `@/` alias resolved from tsconfig.json.
      'import-x/extensions': ['.ts', '.tsx'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: { 'import-x/no-cycle': 'error' },
  },
  {
    files: ['src/core/**/*.ts'],
    languageOptions: { globals: { ...globals.es2023 } },
    rules: {
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'localStorage', 'navigator', 'process', 'Buffer', 'require'].map(
          (name) => ({
            name,
            message: 'src/core is pure: no DOM and no Node globals.',
          }),
        ),
      ],
    },
  },
);
