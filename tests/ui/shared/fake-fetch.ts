import { vi } from 'vitest';

/** A JSON answer, as the server sends it. */
export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** The server's answer to a request without the right key (401 none, 403 wrong), or null when it may pass. */
export function refuseKey(init: RequestInit | undefined, apiKey: string | undefined): Response | null {
  if (apiKey === undefined) return null;
  const auth = new Headers(init?.headers).get('Authorization');
  if (auth === null) return json(401, { error: { code: 'unauthorized', message: 'An API key is required' } });
  if (auth !== `Bearer ${apiKey}`)
    return json(403, { error: { code: 'forbidden', message: 'Invalid API key' } });
  return null;
}

/** Stubs the global fetch with one that never reaches a server, as a browser does when nothing listens. */
export function stubUnreachable() {
  const fetchMock = vi.fn(async (): Promise<Response> => {
    throw new TypeError('Failed to fetch');
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}
