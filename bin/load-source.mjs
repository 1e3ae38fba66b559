// Loads Spanpatch's TypeScript sources in Node through tsx, in the repository (an installed package runs dist/cli):
// `bin/spanpatch.mjs` (the command line) and `scripts/start.mjs` (`npm start`) both start here.
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = new URL('../', import.meta.url);
let aliasRegistered = false;

/**
 * Imports a TypeScript module of the project by its path from the project's root (`src/cli/main.ts`).
 * NOTE: tsx resolves the `@/` alias from tsconfig.json only for files outside node_modules; a checkout of the
 * repository may itself sit inside a node_modules folder, so the alias is resolved by a small hook of our own
 * (`alias-hooks.mjs`) as well.
 */
export async function importSource(path) {
  if (!aliasRegistered) {
    aliasRegistered = true;
    // Threads the server starts register tsx on their own (src/server/store/sqlite/threaded-sqlite-store.ts); tsx finds the
    // tsconfig.json (and so the `@/` alias) from the working folder unless told where it is.
    process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL('tsconfig.json', root));
    register('./alias-hooks.mjs', import.meta.url, {
      data: { srcDir: fileURLToPath(new URL('src/', root)) },
    });
  }
  return tsImport(new URL(path, root).href, {
    parentURL: import.meta.url,
    tsconfig: fileURLToPath(new URL('tsconfig.json', root)),
  });
}
