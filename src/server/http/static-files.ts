import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { Context } from 'hono';
import { isAppPage } from '@/core/api';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.parquet': 'application/vnd.apache.parquet',
  '.wasm': 'application/wasm',
};

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves a built single-page app from a directory: the file at the request path when there is one (never outside
 * the directory), otherwise `index.html` for a page of the app (`isAppPage`: `/` and the app's views). Returns null
 * (the caller answers 404) for any other path, so a probe of `/metrics` or a stale asset link never gets the app.
 */
export async function serveSpaFile(c: Context, directory: string): Promise<Response | null> {
  const root = resolve(directory);
  let path = root;
  try {
    path = resolve(root, `.${decodeURIComponent(new URL(c.req.url).pathname)}`);
  } catch {
    // A malformed escape in the path: fall back to index.html.
  }
  // NOTE: source maps are never served (SPEC §12), even when a build left some behind.
  if (extname(path).toLowerCase() === '.map') return null;
  const inside = path === root || path.startsWith(root + sep);
  const found = inside && (await isFile(path));
  if (!found && !isAppPage(c.req.path)) return null;
  const file = found ? path : resolve(root, 'index.html');
  if (!(await isFile(file))) return null;
  const body = await readFile(file);
  const immutable = file.includes(`${sep}assets${sep}`);
  return c.body(body, 200, {
    'Content-Type': contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
}
