// A Node module resolve hook: `@/x/y` (the project's one alias, see tsconfig.json) is the file src/x/y.ts (or .tsx,
// or the folder's index.ts). Registered by load-source.mjs.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

let srcDir = '';

/** Receives the src folder from `register(…, { data })`. */
export function initialize(data) {
  srcDir = data.srcDir;
}

function sourceFile(base) {
  for (const suffix of ['.ts', '.tsx', '/index.ts', '/index.tsx']) {
    if (existsSync(base + suffix)) return base + suffix;
  }
  return existsSync(base) && statSync(base).isFile() ? base : null;
}

/** Resolves `@/…` to its file under src; everything else goes on unchanged. */
export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith('@/') && srcDir !== '') {
    const file = sourceFile(join(srcDir, specifier.slice(2)));
    if (file !== null) return nextResolve(pathToFileURL(file).href, context);
  }
  return nextResolve(specifier, context);
}
