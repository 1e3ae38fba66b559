// The server with the app on one port, as `npm start` (scripts/start.mjs) and `spanpatch serve` both run it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runServer } from '@/server/main';
import type { RunningServer } from '@/server/start-server';

/** The project's root folder: where src/, index.html and dist/ are. */
export const PROJECT_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Options of `serveApp`. */
export interface ServeAppOptions {
  /** Serve the built UI (building it first when it is missing or older than its sources). Default true. */
  ui?: boolean;
  /** The environment the server reads its configuration from (PORT, HOST, SPANPATCH_DB, …). */
  env?: Readonly<Record<string, string | undefined>>;
  root?: string;
}

/** Newest modification time of the files under a path; the server's and command line's sources do not affect the UI. */
function newestChange(root: string, path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    const child = join(path, entry);
    if (child === join(root, 'src', 'server') || child === join(root, 'src', 'cli')) continue;
    newest = Math.max(newest, newestChange(root, child));
  }
  return newest;
}

function uiIsStale(root: string, builtIndex: string): boolean {
  if (!existsSync(builtIndex)) return true;
  const sources = ['src', 'index.html', 'public', 'vite.config.ts'].map((name) =>
    newestChange(root, join(root, name)),
  );
  return Math.max(...sources) > statSync(builtIndex).mtimeMs;
}

function buildUi(root: string): boolean {
  if (!existsSync(join(root, 'index.html'))) {
    console.warn('No index.html in the project yet: serving the API only.');
    return false;
  }
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) {
    console.warn(
      'The UI is not built (dist/ui) and Vite is not installed to build it: run `npm ci` in the project.',
    );
    return false;
  }
  console.log('Building the UI (vite build → dist/ui)…');
  const result = spawnSync(process.execPath, [vite, 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.warn('The UI build failed (see above).');
    return false;
  }
  return true;
}

/** The built UI to serve: dist/ui, built first when it is missing or older than its sources; null for none. */
export function prepareUi(root: string = PROJECT_ROOT): string | null {
  const uiDir = join(root, 'dist', 'ui');
  const builtIndex = join(uiDir, 'index.html');
  if (!uiIsStale(root, builtIndex) || buildUi(root)) return uiDir;
  if (existsSync(builtIndex)) {
    console.warn('Serving the previous UI build from dist/ui.');
    return uiDir;
  }
  return null;
}

/**
 * Starts the server as `npm start` does: the UI (built when stale) and the API on one port (PORT, default 8787),
 * the demo project seeded on an empty SQLite database (SPANPATCH_DEMO), stopped gracefully by Ctrl+C. See
 * `runServer` for the rest.
 */
export async function serveApp(options: ServeAppOptions = {}): Promise<RunningServer> {
  const root = options.root ?? PROJECT_ROOT;
  const staticDir = options.ui === false ? null : prepareUi(root);
  return runServer(options.env ?? process.env, { staticDir });
}
