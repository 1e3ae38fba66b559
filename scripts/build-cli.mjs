// `npm run build` (after `vite build`), and so `npm pack` (prepack): compiles the command line and the server,
// which it starts with `spanpatch serve`, into plain JavaScript in dist/cli, for the installed package (how:
// scripts/cli-bundle.mjs). npm packages stay imports, installed as the package's dependencies: a package the build
// would import but package.json lists only among devDependencies fails the build, as the installed package could
// not run.
import { readFileSync, rmSync } from 'node:fs';
import { bundleCli } from './cli-bundle.mjs';

const root = new URL('../', import.meta.url);
const outdir = new URL('dist/cli/', root);
const packageJson = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

/** `pg/lib/x` → `pg`, `@hono/node-server/serve` → `@hono/node-server`. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

rmSync(outdir, { recursive: true, force: true });
const result = await bundleCli(root, 'dist/cli');

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
