// `npm run build` (after `vite build`), and so `npm pack` (prepack): compiles the command line and the server,
// which it starts with `spanpatch serve`, into plain JavaScript in dist/cli, for the installed package.
// - Entries: src/cli/main.ts (what bin/spanpatch.mjs runs) and the SQLite store's write thread, which the server
//   starts from `sqlite-write-worker.js` beside its own module (src/server/store/sqlite/threaded-sqlite-store.ts).
// - Every file lands in dist/cli, chunks included, two folders below the package's root as src/cli's files are two
//   below the repository's: the paths the code finds from its own module (package.json, dist/ui) hold in both.
// - Code splitting keeps the server (hono, pg, better-sqlite3, pino) in chunks of its own that only
//   `spanpatch serve` loads: `spanpatch --version` and `check` start without them.
// - npm packages stay imports (installed as the package's dependencies); a package the build would import but
//   package.json lists only among devDependencies fails the build, as the installed package could not run.
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const outdir = new URL('dist/cli/', root);
const packageJson = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

/** `pg/lib/x` → `pg`, `@hono/node-server/serve` → `@hono/node-server`. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: new URL('.', root).pathname,
  entryPoints: {
    main: 'src/cli/main.ts',
    'sqlite-write-worker': 'src/server/store/sqlite/sqlite-write-worker.ts',
  },
  outdir: 'dist/cli',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: `node${packageJson.engines.node.replace(/^>=/, '')}`,
  packages: 'external',
  tsconfig: 'tsconfig.json',
  metafile: true,
  logLevel: 'warning',
});

const runtimeDependencies = new Set(Object.keys(packageJson.dependencies ?? {}));
const missing = new Set();
for (const output of Object.values(result.metafile.outputs)) {
  for (const { path, external } of output.imports) {
    if (!external || path.startsWith('node:')) continue;
    if (!runtimeDependencies.has(packageName(path))) missing.add(packageName(path));
  }
}
if (missing.size > 0) {
  console.error(
    `dist/cli imports ${[...missing].join(', ')}, which package.json does not list in "dependencies": ` +
      'the installed package could not load it. Move it from devDependencies to dependencies.',
  );
  process.exit(1);
}
const files = Object.keys(result.metafile.outputs).length;
console.log(`Built the command line and the server: ${files} files in dist/cli.`);
