import { vi } from 'vitest';
import { CONNECTION_STORAGE_KEY, reloadConnectionSettings } from '@/ui/settings';

/**
 * jsdom lays nothing out: gives every element a size, so virtualized lists render what is in view (and, with
 * `offsetHeight`, measured rows a height).
 */
export function giveLayout({
  height = 800,
  width = 1200,
  rowHeight,
}: { height?: number; width?: number; rowHeight?: number } = {}): void {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => height });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => width });
  if (rowHeight !== undefined)
    Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
      configurable: true,
      get: () => rowHeight,
    });
}

/** Connects the app to a project on a server, as its Settings would have saved; `null` forgets any connection. */
export function connectTo(connection: { serverUrl: string; project: string } | null): void {
  localStorage.clear();
  if (connection !== null)
    localStorage.setItem(CONNECTION_STORAGE_KEY, JSON.stringify({ ...connection, rememberApiKey: false }));
  reloadConnectionSettings();
}

/**
 * Sends the app's requests (the global `fetch`) to a server run in this process (`startInProcessServer`): the real
 * app over a real store, without a socket. Until `vi.unstubAllGlobals()`.
 */
export function fetchFrom(server: { fetch: typeof fetch }): void {
  vi.stubGlobal('fetch', server.fetch);
}
