/**
 * The app's views, as the server serves them: `/` and `/<view>` (and below, e.g. `/results/<id>`) answer the app's
 * index.html. NOTE: the same IDs as the app's tabs (src/ui/app/tabs.ts); a test keeps the two lists equal.
 */
export const APP_VIEWS = ['spans', 'sheet', 'preview', 'results', 'history'] as const;

/**
 * True for a path the app itself answers: `/`, `/index.html`, or a view of the app and what is below it. Any
 * other path is a file of the built app or nothing (a 404), never the app's page in place of something else.
 */
export function isAppPage(path: string): boolean {
  if (path === '/' || path === '/index.html') return true;
  const view = /^\/([a-z]+)(\/|$)/.exec(path)?.[1];
  return view !== undefined && (APP_VIEWS as readonly string[]).includes(view);
}
