import { vi } from 'vitest';

/** A project as `GET /api/v1/projects` lists it. */
export interface FakeProject {
  name: string;
  spans: number;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/**
 * Stubs the global fetch with a Spanpatch server that answers `GET /api/v1/projects`: 401 without a key and 403
 * with a wrong one when `apiKey` is set. Returns the mock, to inspect the requests.
 */
export function stubServer({ projects, apiKey }: { projects: FakeProject[]; apiKey?: string }) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    if (url.pathname !== '/api/v1/projects')
      return json(404, { error: { code: 'not_found', message: 'No route' } });
    const auth = new Headers(init?.headers).get('Authorization');
    if (apiKey !== undefined) {
      if (auth === null)
        return json(401, { error: { code: 'unauthorized', message: 'An API key is required' } });
      if (auth !== `Bearer ${apiKey}`)
        return json(403, { error: { code: 'forbidden', message: 'Invalid API key' } });
    }
    return json(200, { projects });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** Stubs the global fetch with one that never reaches a server, as a browser does when nothing listens. */
export function stubUnreachable() {
  const fetchMock = vi.fn(async (): Promise<Response> => {
    throw new TypeError('Failed to fetch');
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}
