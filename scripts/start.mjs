// `npm start`: builds the UI when dist/ui is missing or older than its sources, then runs the server, which
// serves the UI and the API on one port (PORT, default 8787) and seeds the demo project on an empty database.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const uiDir = join(root, 'dist', 'ui');
const builtIndex = join(uiDir, 'index.html');

/** Newest modification time of the files under a path; the server's own sources do not affect the UI build. */
function newestChange(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    const child = join(path, entry);
    if (child === join(root, 'src', 'server')) continue;
    newest = Math.max(newest, newestChange(child));
  }
  return newest;
}

function uiIsStale() {
  if (!existsSync(builtIndex)) return true;
  const sources = ['src', 'index.html', 'public', 'vite.config.ts'].map((name) =>
    newestChange(join(root, name)),
  );
  return Math.max(...sources) > statSync(builtIndex).mtimeMs;
}

function buildUi() {
  if (!existsSync(join(root, 'index.html'))) {
    console.warn('No index.html in the project yet: serving the API only.');
    return false;
  }
  console.log('Building the UI (vite build → dist/ui)…');
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.warn('The UI build failed (see above).');
    return false;
  }
  return true;
}

let staticDir = uiDir;
if (uiIsStale() && !buildUi()) {
  if (existsSync(builtIndex)) console.warn('Serving the previous UI build from dist/ui.');
  else staticDir = null;
}

const { runServer } = await tsImport('../src/server/main.ts', import.meta.url);
await runServer(process.env, { staticDir });
