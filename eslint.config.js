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
 * src/core's rooms, bottom to top. Each is a folder whose index.ts is its front door: the rest of the code imports a
 * room only from there (`@/core/<room>`), and a room imports only the rooms below it, so rooms never make a circle
 * (tldraw's `packages/store`, Excalidraw's `math → element → excalidraw`). Inside a room, files import each other
 * by `./x`. Tests may reach a room's internals, to test one module.
 */
const coreRooms = [
  'text',
  'api',
  'issues',
  'import',
  'columns',
  'patch',
  'sheet',
  'draft',
  'outcome',
  'words',
];

const coreFrontDoors = {
  group: ['@/core/*/**', '../core/**', '../../core/**'],
  message:
    "That is a room's internals: import src/core through the room's front door, @/core/<room> (its index.ts).",
};

const coreOnly = [
  {
    group: ['@/ui/*', '@/client/*', '@/server/*', '../ui/*', '../client/*', '../server/*'],
    message: 'src/core imports nothing but core.',
  },
  { group: ['react', 'react-dom', 'react/*', 'react-dom/*'], message: 'src/core has no React.' },
  {
    group: nodeBuiltins,
    message: 'src/core has no Node imports: the browser, a worker and the server all use it.',
  },
];

/** src/server/store: the stores meet the rest of the server through `@/server/store` (its index.ts). */
const storeFrontDoor = {
  group: ['@/server/store/**', '../store/**', './store/**'],
  message: 'Meet the stores through their front door, @/server/store (its index.ts).',
};
const serverNoClient = {
  group: ['@/ui/*', '@/client/*', '../ui/*', '../client/*'],
  message: 'src/server imports core only.',
};
const storeNotItsDoor = {
  group: ['../**'],
  message: 'Inside src/server/store, import a file of another folder by `@/server/store/…`.',
};
/** Exact specifiers (a pattern would take in what is below it too). */
const storeDoorFromInside = [
  {
    name: '@/server/store',
    message:
      'Inside src/server/store, import the file itself (`@/server/store/span-store`), never the front door.',
  },
];

/**
 * Import direction: core <- client <- ui, core <- server, and cli on top of core and client (its `serve` and
 * `backup` commands alone import the server). Nothing imports ui; ui never imports server.
 * NOTE: ESLint keeps only the last `no-restricted-imports` that applies to a file, so the entries after `ui`,
 * which narrow it for the shared folder and each feature, repeat `uiNoServer`; each room of core repeats `coreOnly`.
 */
const boundaries = {
  core: {
    files: ['src/core/**/*.ts'],
    patterns: coreOnly,
  },
  ...Object.fromEntries(
    coreRooms.map((room, index) => {
      const below = coreRooms.slice(0, index);
      const notBelow = coreRooms.slice(index);
      return [
        `core-${room}`,
        {
          files: [`src/core/${room}/**/*.ts`],
          patterns: [
            ...coreOnly,
            {
              group: ['@/core/*/**', '../**'],
              message:
                "That is another room's internals: import it through its front door, @/core/<room>; inside a room, import by ./x.",
            },
            {
              group: notBelow.map((other) => `@/core/${other}`),
              message: `src/core/${room} imports only the rooms below it (${below.join(', ') || 'none'}); the rooms, bottom to top: ${coreRooms.join(', ')}.`,
            },
          ],
        },
      ];
    }),
  ),
  client: {
    files: ['src/client/**/*.ts'],
    patterns: [
      { group: ['@/ui/*', '@/server/*', '../ui/*', '../server/*'], message: 'src/client imports core only.' },
      { group: nodeBuiltins, message: 'src/client runs in the browser too: no Node imports.' },
      coreFrontDoors,
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
      coreFrontDoors,
    ],
  },
  cliServe: {
    files: ['src/cli/serve*.ts', 'src/cli/backup*.ts'],
    patterns: [
      { group: ['@/ui/*', '../ui/*'], message: 'src/cli never imports the UI.' },
      coreFrontDoors,
      storeFrontDoor,
    ],
  },
  server: {
    files: ['src/server/**/*.ts'],
    patterns: [serverNoClient, coreFrontDoors, storeFrontDoor],
  },
  store: {
    files: ['src/server/store/**/*.ts'],
    ignores: ['src/server/store/index.ts'],
    paths: storeDoorFromInside,
    patterns: [
      serverNoClient,
      coreFrontDoors,
      storeNotItsDoor,
      {
        group: ['@/server/store/sqlite/**', '@/server/store/postgres/**'],
        message: 'What both stores share imports neither store.',
      },
    ],
  },
  storeSqlite: {
    files: ['src/server/store/sqlite/**/*.ts'],
    paths: storeDoorFromInside,
    patterns: [
      serverNoClient,
      coreFrontDoors,
      storeNotItsDoor,
      {
        group: ['@/server/store/postgres/**'],
        message: 'The SQLite store never imports the PostgreSQL one.',
      },
    ],
  },
  storePostgres: {
    files: ['src/server/store/postgres/**/*.ts'],
    paths: storeDoorFromInside,
    patterns: [
      serverNoClient,
      coreFrontDoors,
      storeNotItsDoor,
      { group: ['@/server/store/sqlite/**'], message: 'The PostgreSQL store never imports the SQLite one.' },
    ],
  },
  storeDoor: {
    files: ['src/server/store/index.ts'],
    patterns: [serverNoClient, coreFrontDoors],
  },
  ui: {
    files: ['src/ui/**/*.{ts,tsx}'],
    patterns: [uiNoServer, coreFrontDoors],
  },
  uiShared: {
    files: ['src/ui/shared/**/*.{ts,tsx}'],
    patterns: [
      uiNoServer,
      coreFrontDoors,
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
          coreFrontDoors,
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
    rules: {
      'no-restricted-imports': ['error', { patterns, ...('paths' in rest ? { paths: rest.paths } : {}) }],
    },
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
