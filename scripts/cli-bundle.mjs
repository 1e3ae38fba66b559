// How the command line and the server are bundled into plain JavaScript with esbuild: by `npm run build`
// (scripts/build-cli.mjs, into dist/cli, for the installed package) and, in the repository, by bin/dev-bundle.mjs
// (into a folder of dist/ that is rebuilt whenever a source changed), so both run the same kind of build.
// - Every file lands two folders below the project's root, as src/cli's files are two below the repository's: the
//   paths the code finds from its own module (package.json, dist/ui) hold in every layout.
// - Code splitting keeps the server (hono, pg, better-sqlite3, pino) in chunks of its own that only
//   `spanpatch serve` loads: `spanpatch --version` and `check` start without them.
// - npm packages stay imports (the package's dependencies, found in node_modules at run time).
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

/**
 * The entries: the command line, and the server's threads, which it starts from a file beside its own module: the
 * SQLite store's write thread (`sqlite-write-worker.js`, src/server/store/sqlite/threaded-sqlite-store.ts) and the
 * parse thread of large write bodies (`body-parse-worker.js`, src/server/http/body-parse-pool.ts).
 */
export const CLI_ENTRY_POINTS = {
  main: 'src/cli/main.ts',
  'sqlite-write-worker': 'src/server/store/sqlite/sqlite-write-worker.ts',
  'body-parse-worker': 'src/server/http/body-parse-worker.ts',
};

/**
 * Bundles `entryPoints` of the project at `root` (a file URL of its folder) into `outdir` (relative to the root),
 * returning esbuild's result with its metafile (`inputs`: every source file the bundle holds). npm packages stay
 * imports, but for those named in `bundled`, whose code is copied into the bundle.
 */
export async function bundleCli(
  root,
  outdir,
  { entryPoints = CLI_ENTRY_POINTS, sourcemap = false, logLevel = 'warning', bundled = [] } = {},
) {
  const packageJson = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
  const packages = [
    ...Object.keys(packageJson.dependencies ?? {}),
    ...Object.keys(packageJson.devDependencies ?? {}),
  ].filter((name) => !bundled.includes(name));
  const external =
    bundled.length === 0
      ? {}
      : {
          external: packages.flatMap((name) => [name, `${name}/*`]),
          // NOTE: a CommonJS package copied into an ES module requires Node's own modules through this.
          banner: {
            js: "import { createRequire as __spanpatchRequire } from 'node:module'; const require = __spanpatchRequire(import.meta.url);",
          },
        };
  return build({
    absWorkingDir: new URL('.', root).pathname,
    entryPoints,
    outdir,
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: `node${packageJson.engines.node.replace(/^>=/, '')}`,
    ...(bundled.length === 0 ? { packages: 'external' } : external),
    tsconfig: 'tsconfig.json',
    metafile: true,
    sourcemap,
    logLevel,
  });
}
